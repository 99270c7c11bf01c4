package synth

import (
	"math/rand/v2"

	"baoxue/idnum"
)

// Area codes (行政区划代码) that identity numbers start with.
const (
	areaKaizhouOld = "500234" // 开县, until the county became 开州区 in 2016
	areaKaizhouNew = "500154" // 开州区
	// areasNearby are neighbouring Chongqing districts and counties:
	// 万州, 云阳, 巫溪, 城口, 奉节.
	areasNearby = "500101500235500238500229500236"
	// areasAway are places migrant families come from: 宣汉 and 通川
	// (Sichuan), 恩施 (Hubei).
	areasAway = "511722511702422801"
)

// kaizhouRenamed is the day 开县 became 开州区 (2016-06-08); children born
// later carry the new area code.
func kaizhouRenamed() int32 { return daysFromCivil(2016, 6, 8) }

// idAllocator hands out national ID numbers that are unique, valid and
// consistent with birth date and sex: the 3-digit sequence of each (area,
// birth date, sex) is drawn without repetition.
type idAllocator struct {
	used  map[idBucket]uint16
	temps map[[18]byte]struct{}
}

type idBucket struct {
	area  string
	birth int32
	male  bool
}

func newIDAllocator() *idAllocator {
	return &idAllocator{used: make(map[idBucket]uint16), temps: make(map[[18]byte]struct{})}
}

// area draws the area code for a child born on birth; migrant children
// mostly come from elsewhere.
func pickArea(r *rand.Rand, birth int32, migrant bool) string {
	u := r.Float64()
	switch {
	case migrant && u < 0.7:
		k := r.IntN(len(areasAway) / 6)
		return areasAway[k*6 : k*6+6]
	case migrant || u < 0.07:
		k := r.IntN(len(areasNearby) / 6)
		return areasNearby[k*6 : k*6+6]
	case birth >= kaizhouRenamed():
		return areaKaizhouNew
	default:
		return areaKaizhouOld
	}
}

// nationalID returns a new 18-character national ID for a person born on
// birth in area. When the 500 sequence numbers of that (area, day, sex) are
// used up it moves on to the next nearby area.
func (a *idAllocator) nationalID(area string, birth int32, male bool) [18]byte {
	for k := 0; ; k++ {
		b := idBucket{area, birth, male}
		c := a.used[b]
		if c < 500 {
			a.used[b] = c + 1
			// A fixed odd stride visits all 500 slots in a scrambled order.
			slot := (int(birth)*7 + int(area[5]) + int(c)*211) % 500
			seq := slot * 2
			if male {
				seq++
			}
			var id [18]byte
			copy(id[:6], area)
			appendDigits8(id[6:6:14], birth)
			id[14] = byte('0' + seq/100)
			id[15] = byte('0' + seq/10%10)
			id[16] = byte('0' + seq%10)
			check, err := idnum.CheckDigit(string(id[:17]))
			if err != nil {
				panic("synth: check digit of generated digits: " + err.Error())
			}
			id[17] = check
			return id
		}
		j := k % (len(areasNearby) / 6)
		area = areasNearby[j*6 : j*6+6]
	}
}

// temporary returns the 18 characters after "L" of a temporary student
// number: area, birth date and four digits, unique among those handed out.
func (a *idAllocator) temporary(r *rand.Rand, area string, birth int32) [18]byte {
	for {
		var t [18]byte
		copy(t[:6], area)
		appendDigits8(t[6:6:14], birth)
		n := r.IntN(10000)
		t[14], t[15], t[16], t[17] = byte('0'+n/1000), byte('0'+n/100%10), byte('0'+n/10%10), byte('0'+n%10)
		if _, dup := a.temps[t]; !dup {
			a.temps[t] = struct{}{}
			return t
		}
	}
}
