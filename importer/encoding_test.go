package importer

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
)

// gbk encodes UTF-8 text as Chinese Excel saves it.
func gbk(t testing.TB, s string) []byte {
	t.Helper()
	b, err := simplifiedchinese.GB18030.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// roster returns a UTF-8 roster of n students with names of three
// characters (or two, when short).
func roster(n int, short bool) string {
	var b strings.Builder
	b.WriteString("学籍号,姓名,出生日期,学校代码,年级,乡镇\n")
	given := []string{"张三丰", "李四海", "王五一", "欧阳娜", "司马强", "赵六合"}
	for i := 0; i < n; i++ {
		name := given[i%len(given)]
		if short {
			name = string([]rune(name)[:2])
		}
		fmt.Fprintf(&b, "S%05d,%s,2012-01-01,SCH01,5,临江镇\n", i, name)
	}
	return b.String()
}

// TestSniffEncoding: the encoding is decided from the whole file, and a
// UTF-8 file with a few damaged bytes is never taken for GB18030.
func TestSniffEncoding(t *testing.T) {
	damaged := []byte(roster(200, false))
	damaged[len(damaged)/2] = 0xA0
	// A UTF-8 file that also decodes as plausible GB18030 throughout (its
	// names have two characters, six bytes: three GBK characters), with
	// one character damaged (张 E5 BC A0 to C5 BC A0: U+017C and a stray
	// byte in UTF-8, still two GBK characters). Only the count of good
	// UTF-8 sequences against bad bytes tells.
	var even strings.Builder
	even.WriteString("id,name,township\n")
	for i, name := range strings.Fields(strings.Repeat("张三 李四 王五 刘洋 陈静 杨帆 黄河 周敏 吴昊 徐丽 ", 20)) {
		fmt.Fprintf(&even, "S%d,%s,临江\n", i, name)
	}
	evenDamaged := []byte(even.String())
	evenDamaged[bytes.Index(evenDamaged, []byte("张三"))] = 0xC5
	if gb, _ := plausibleGB18030Census(evenDamaged); !gb {
		t.Fatal("the damaged even-length file must decode as plausible GB18030 for this test to mean anything")
	}
	ascii := strings.Repeat("S00001,Zhang San,2012-01-01,SCH01,5,Linjiang\n", 50_000) // > 2 MiB
	cases := []struct {
		name string
		in   []byte
		want encoding
		bom  int
	}{
		{"utf-8", []byte(roster(20, false)), encUTF8, 0},
		{"utf-8 with BOM", append([]byte("\ufeff"), roster(20, false)...), encUTF8, 3},
		{"utf-8 with BOM, one byte damaged", append([]byte("\ufeff"), damaged...), encUTF8Damaged, 3},
		{"gbk after a UTF-8 BOM", append([]byte("\ufeff"), gbk(t, roster(20, false))...), encUTF8Damaged, 3},
		{"gbk", gbk(t, roster(20, false)), encGB18030, 0},
		{"gbk, two-character names", gbk(t, roster(20, true)), encGB18030, 0},
		{"gbk after 2 MiB of ASCII", append([]byte(ascii), gbk(t, roster(3, false))...), encGB18030, 0},
		{"utf-8, one byte damaged", damaged, encUTF8Damaged, 0},
		{"utf-8 that reads as gbk throughout, one byte damaged", evenDamaged, encUTF8Damaged, 0},
		{"utf-8 after 2 MiB of ASCII, one byte damaged", append([]byte(ascii), damaged...), encUTF8Damaged, 0},
		{"ascii with one latin-1 byte", []byte("id,name\nS1,Jos\xe9,\n"), encUTF8Damaged, 0},
		{"gbk user-defined character (private use)", append(gbk(t, roster(5, false)), 0xAA, 0xA1, '\n'), encUTF8Damaged, 0},
		{"gbk cut in a character", append(gbk(t, roster(5, false)), 0xD5), encUTF8Damaged, 0},
		{"gb18030 four-byte C1 control", append(gbk(t, roster(5, false)), 0x81, 0x30, 0x81, 0x30), encUTF8Damaged, 0},
		{"empty", nil, encUTF8, 0},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			enc, bom, err := sniffEncoding(bytes.NewReader(tc.in))
			if err != nil || enc != tc.want || bom != tc.bom {
				t.Errorf("sniffEncoding = %d, %d, %v; want %d, %d", enc, bom, err, tc.want, tc.bom)
			}
		})
	}
}

// plausibleGB18030Census reports whether in decodes as GB18030 text that
// gbCensus finds plausible, leaving the UTF-8 counts aside.
func plausibleGB18030Census(in []byte) (bool, error) {
	out, err := simplifiedchinese.GB18030.NewDecoder().Bytes(in)
	if err != nil {
		return false, err
	}
	var g gbCensus
	return g.add(out) && 2*g.cjk >= g.nonASCII, nil
}

// TestUTF8Census: sequences cut between writes are counted once.
func TestUTF8Census(t *testing.T) {
	in := []byte("a张三\xa0b丰\xe4")
	for cut := 0; cut <= len(in); cut++ {
		var u utf8Census
		u.Write(in[:cut])
		u.Write(in[cut:])
		u.end()
		if u.valid != 3 || u.invalid != 2 {
			t.Errorf("cut at %d: %d valid, %d invalid; want 3, 2", cut, u.valid, u.invalid)
		}
	}
}
