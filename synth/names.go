package synth

import (
	"math/rand/v2"
	"strings"
)

// Character tables. Han characters are 3 bytes in UTF-8, so a table is a
// string indexed in steps of 3. A surname that appears several times is drawn
// that much more often (roughly Chongqing's frequencies).
const (
	surnameTable = "陈陈陈陈陈陈陈陈李李李李李李李李王王王王王王王张张张张张张张刘刘刘刘刘刘刘" +
		"杨杨杨杨杨杨黄黄黄黄周周周周何何何何罗罗罗罗谭谭谭谭向向向向冉冉冉彭彭彭熊熊熊" +
		"邓邓邓吴吴吴赵赵赵唐唐唐胡胡曾曾蒋蒋余余谢谢徐徐郑肖田袁冯龚廖邹付秦程万梁朱马" +
		"江汪孙高林郭雷潘蔡夏韦杜许宋石姚贺易文颜庞牟代严舒卢范苏魏冷鲜伍黎左钟游"
	boyChars = "浩宇轩子梓睿博俊杰泽铭皓宸逸航昊然辰锦豪明阳鑫磊鹏文宏天一嘉哲晨瑞翔凯毅涛" +
		"思彬健诚乐家志成煜烨峻霖晟翊琛恒骏钰川麟远"
	girlChars = "欣怡涵佳雨思诗可晨萱妍琪瑶嘉若雅馨悦语彤依沐安梓子一紫婷静雪琳菲露月桐芯蕊" +
		"洁颖茜昕灵梦佩倩媛韵芸丹希楠乐婧"
	manChars   = "伟强磊军洋勇杰涛明超刚平辉鹏华飞林波斌宇浩凯健俊帆帅旭宁龙阳建国志海峰成文东"
	womanChars = "芳娜敏静丽艳娟霞燕玲桂英红梅莉兰琴云萍洁玉雪慧倩婷琳丹莹春秀晓美"

	// famousNames are names of well-known people that a random draw could
	// produce; they are drawn again.
	famousNames = "林俊杰|周杰伦|刘德华|王菲|杨幂|赵丽颖|李娜|刘翔|姚明|郭晶晶|马云|王俊凯|王源|" +
		"杨紫|李宇春|张杰|周冬雨|刘昊然|张一山|吴京|黄渤|李易峰|鹿晗|杨洋|胡歌|孙杨|朱婷|" +
		"苏炳添|张艺兴|王一博|肖战|赵今麦|马化腾|雷军|李彦宏|张一鸣|王健林|刘强东|李强|王毅|" +
		"李克强|习近平|赵乐际|王沪宁|蔡奇|丁薛祥|李希|韩正|汪洋|王岐山|胡锦涛|温家宝|江泽民|" +
		"朱镕基|毛泽东|周恩来|邓小平|刘少奇|朱德|陈毅|李鹏|杨洁|王力宏|陈奕迅|林志玲|" +
		"孙俪|邓超|范冰冰|李冰冰|杨颖|刘涛|王宝强|沈腾|贾玲|易烊千玺|张子枫|欧阳娜娜|李现|" +
		"杨超越|邓紫棋|华晨宇|毛不易|李白|杜甫|苏轼|李清照|鲁迅|钱学森|袁隆平|屠呦呦|钟南山|" +
		"莫言|余华|韩寒|郭敬明|杨利伟|王亚平|刘洋|邓亚萍|张怡宁|马龙|许昕|樊振东|孙颖莎|" +
		"王楚钦|陈梦|丁宁|刘诗雯|林丹|李宁|郎平|惠若琪|谷爱凌|全红婵|杨倩|武大靖|徐梦桃|苏翊鸣"
)

// hanAt returns the i-th character of a table of 3-byte characters.
func hanAt(table string, i int) string {
	return table[i*3 : i*3+3]
}

// hanLen returns the number of characters in a table of 3-byte characters.
func hanLen(table string) int {
	return len(table) / 3
}

// namer draws personal names. It is not safe for concurrent use.
type namer struct {
	famous map[string]struct{}
	buf    []byte
}

func newNamer() *namer {
	n := &namer{famous: make(map[string]struct{})}
	for _, f := range strings.Split(famousNames, "|") {
		n.famous[f] = struct{}{}
	}
	return n
}

// child draws a name for a child born around 2010-2020.
func (n *namer) child(r *rand.Rand, male bool) string {
	chars := girlChars
	if male {
		chars = boyChars
	}
	return n.draw(r, chars, 0.78)
}

// adult draws a name for a teacher born around 1965-2000.
func (n *namer) adult(r *rand.Rand, male bool) string {
	chars := womanChars
	if male {
		chars = manChars
	}
	return n.draw(r, chars, 0.55)
}

func (n *namer) draw(r *rand.Rand, chars string, twoChars float64) string {
	for {
		b := append(n.buf[:0], hanAt(surnameTable, r.IntN(hanLen(surnameTable)))...)
		b = append(b, hanAt(chars, r.IntN(hanLen(chars)))...)
		if r.Float64() < twoChars {
			b = append(b, hanAt(chars, r.IntN(hanLen(chars)))...)
		}
		n.buf = b
		if _, bad := n.famous[string(b)]; !bad {
			return string(b)
		}
	}
}
