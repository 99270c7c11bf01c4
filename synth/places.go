package synth

import (
	"math/rand/v2"
	"strconv"
	"strings"
)

const (
	// realTownships are Kaizhou's townships and subdistricts; larger
	// districts continue with invented names.
	realTownships = "汉丰街道|文峰街道|云枫街道|镇东街道|丰乐街道|白鹤街道|赵家街道|大德镇|镇安镇|" +
		"厚坝镇|金峰镇|温泉镇|郭家镇|白桥镇|和谦镇|河堰镇|大进镇|谭家镇|敦好镇|高桥镇|九龙山镇|" +
		"天和镇|中和镇|义和镇|临江镇|竹溪镇|铁桥镇|南雅镇|巫山镇|岳溪镇|长沙镇|南门镇|渠口镇|" +
		"满月镇|关面乡|麻柳乡|紫水乡|三汇口乡|五通乡"
	placeFirst  = "石大新双白龙金红青桂水高黄铁长平福兴和太永安竹梨柏松花三五九马凤鹤泉沙柳桃杨东南西北中上下老"
	placeSecond = "龙坪华河鹤泉星花山林桥坝湾岩溪口塘垭田丰安兴合园桂坡坎井峰湖台关庙寨"
)

// placeNamer invents unique township and village names.
type placeNamer struct {
	real      []string
	nextReal  int
	townships map[string]struct{}
}

// newPlaceNamer returns a namer that hands out the real township names
// first, in a random order.
func newPlaceNamer(r *rand.Rand) *placeNamer {
	real := strings.Split(realTownships, "|")
	r.Shuffle(len(real), func(i, j int) { real[i], real[j] = real[j], real[i] })
	return &placeNamer{real: real, townships: make(map[string]struct{})}
}

// township returns a township name not returned before.
func (p *placeNamer) township(r *rand.Rand) string {
	if p.nextReal < len(p.real) {
		t := p.real[p.nextReal]
		p.nextReal++
		p.townships[t] = struct{}{}
		return t
	}
	for attempt := 0; ; attempt++ {
		name := hanAt(placeFirst, r.IntN(hanLen(placeFirst))) + hanAt(placeSecond, r.IntN(hanLen(placeSecond)))
		if attempt > 200 {
			// The two-character space is exhausted: number the names.
			name += strconv.Itoa(attempt)
		}
		if r.IntN(5) == 0 {
			name += "乡"
		} else {
			name += "镇"
		}
		if _, dup := p.townships[name]; !dup {
			p.townships[name] = struct{}{}
			return name
		}
	}
}

// villages returns n village or community names, unique among themselves;
// the first communities ones end in 社区, the rest in 村.
func villageNames(r *rand.Rand, n, communities int) []string {
	seen := make(map[string]struct{}, n)
	out := make([]string, 0, n)
	for attempt := 0; len(out) < n; attempt++ {
		name := hanAt(placeFirst, r.IntN(hanLen(placeFirst))) + hanAt(placeSecond, r.IntN(hanLen(placeSecond)))
		if attempt > 20*n {
			name += strconv.Itoa(attempt)
		}
		if _, dup := seen[name]; dup {
			continue
		}
		seen[name] = struct{}{}
		if len(out) < communities {
			out = append(out, name+"社区")
		} else {
			out = append(out, name+"村")
		}
	}
	return out
}

// townshipStem drops the 镇/乡/街道 suffix: 临江镇 -> 临江.
func townshipStem(t string) string {
	for _, suffix := range []string{"街道", "镇", "乡"} {
		if s, ok := strings.CutSuffix(t, suffix); ok && s != "" {
			return s
		}
	}
	return t
}
