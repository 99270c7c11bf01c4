package synth

import (
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
)

// School kinds: a primary school teaches grades 1-6, a junior middle school
// 7-9, a nine-year school (九年一贯制) 1-9.
const (
	kindPrimary = iota
	kindJunior
	kindNineYear
)

// Teacher roles as written to teachers.csv.
const (
	roleTeacher       = "teacher"
	rolePrincipal     = "principal"
	roleCenterAdmin   = "center_admin"
	roleDistrictAdmin = "district_admin"
)

// classCap is the largest class; a grade of n students has ceil(n/classCap)
// classes, so classes hold 40-50 students in larger schools and fewer in
// small rural ones.
const classCap = 50

type gradeInfo struct {
	first    int     // index of the grade's first student
	count    int     // students in the grade
	homeroom []int32 // teacher index per class, class k at homeroom[k-1]
}

type school struct {
	id, name   string
	center     int
	township   int
	kind       int
	size       int
	lo, hi     int // grades taught
	first      int // index of the school's first student
	teachers   []int32
	grades     [10]gradeInfo
	villages   []int32 // villages the school is responsible for
	townVillas []int32 // all villages of its township
}

type center struct {
	name    string
	schools []int
}

type township struct {
	name     string
	center   int
	schools  []int
	villages []int32
}

type village struct {
	name     string
	township int
	school   int
}

type teacher struct {
	id, name string
	school   int // -1 for center and district admins
	center   int // -1 for the district admin
	role     string
	phone    string
	wecom    string
	dingtalk string
	email    string
}

// district is the fixed structure students are placed in.
type district struct {
	schools   []school
	centers   []center
	townships []township
	villages  []village
	teachers  []teacher
}

// buildDistrict lays out schools, centers, townships, villages and teachers
// for n students.
func buildDistrict(r *rand.Rand, n int, nm *namer) *district {
	d := &district{}
	sizes, kinds := schoolSizes(r, n)
	d.schools = make([]school, len(sizes))
	first, code := 0, 0
	for i := range d.schools {
		s := &d.schools[i]
		s.kind, s.size, s.first = kinds[i], sizes[i], first
		s.lo, s.hi = 1, 9
		switch s.kind {
		case kindPrimary:
			s.hi = 6
		case kindJunior:
			s.lo = 7
		}
		// 10-digit codes like a 学校标识码, increasing with gaps.
		code += 1 + r.IntN(20)
		s.id = "2150" + strconv.Itoa(1000000 + code)[1:]
		first += s.size
	}
	d.placeSchools(r)
	d.layOutGrades(r)
	d.hireTeachers(r, nm)
	return d
}

// schoolSizes draws school kinds and sizes (300-2000 students) until they
// hold n students, then scales them to sum to exactly n. A district under
// 600 students is one nine-year school.
func schoolSizes(r *rand.Rand, n int) (sizes, kinds []int) {
	if n < 600 {
		return []int{n}, []int{kindNineYear}
	}
	total, juniorSeats := 0, 0.0
	for total < n {
		kind := kindNineYear
		if r.Float64() >= 0.2 {
			// Keep about a third of all seats in grades 7-9.
			kind = kindPrimary
			if juniorSeats < float64(total)/3 {
				kind = kindJunior
			}
		}
		var size int
		switch kind {
		case kindPrimary:
			size = 300 + int(1200*math.Pow(r.Float64(), 1.6))
			if r.IntN(20) == 0 {
				size = 1500 + r.IntN(500) // a town's central primary school
			}
		case kindJunior:
			size = 600 + int(1400*math.Pow(r.Float64(), 1.3))
			juniorSeats += float64(size)
		default:
			size = 400 + int(1400*math.Pow(r.Float64(), 1.5))
			juniorSeats += float64(size) / 3
		}
		kinds = append(kinds, kind)
		sizes = append(sizes, size)
		total += size
	}
	// Scale down so the sizes sum to n; the remainder goes one by one.
	sum := 0
	for i := range sizes {
		sizes[i] = sizes[i] * n / total
		sum += sizes[i]
	}
	for i := 0; sum < n; i = (i + 1) % len(sizes) {
		sizes[i]++
		sum++
	}
	return sizes, kinds
}

// placeSchools groups schools into centers (6-15 schools each where there
// are enough) and townships (1-4 schools), gives each township villages
// mapped to its schools, and names the schools.
func (d *district) placeSchools(r *rand.Rand) {
	ns := len(d.schools)
	nc := max(1, int(math.Round(float64(ns)/10)))
	pn := newPlaceNamer(r)
	for c := 0; c < nc; c++ {
		lo, hi := c*ns/nc, (c+1)*ns/nc
		ci := len(d.centers)
		d.centers = append(d.centers, center{})
		left := 0
		for i := lo; i < hi; i++ {
			if left == 0 {
				d.townships = append(d.townships, township{name: pn.township(r), center: ci})
				left = []int{1, 2, 2, 3, 3, 3, 4, 4}[r.IntN(8)]
			}
			t := len(d.townships) - 1
			d.townships[t].schools = append(d.townships[t].schools, i)
			d.schools[i].township, d.schools[i].center = t, ci
			d.centers[ci].schools = append(d.centers[ci].schools, i)
			left--
		}
	}
	centerNames := make(map[string]struct{})
	for ci := range d.centers {
		first := d.schools[d.centers[ci].schools[0]].township
		name := townshipStem(d.townships[first].name) + "片区教育管理中心"
		if _, dup := centerNames[name]; dup {
			name = townshipStem(d.townships[first].name) + strconv.Itoa(ci+1) + "片区教育管理中心"
		}
		centerNames[name] = struct{}{}
		d.centers[ci].name = name
	}
	for t := range d.townships {
		d.addVillages(r, t)
	}
	d.nameSchools()
}

// addVillages gives township t its villages and communities, each mapped to
// one of the township's schools (every school gets at least two).
func (d *district) addVillages(r *rand.Rand, t int) {
	tw := &d.townships[t]
	communities := 0
	switch {
	case strings.HasSuffix(tw.name, "街道"):
		communities = 3 + r.IntN(4)
	case strings.HasSuffix(tw.name, "镇"):
		communities = 1 + r.IntN(2)
	default:
		communities = r.IntN(2)
	}
	n := max(2*len(tw.schools), 6+r.IntN(13), communities+1)
	order := append([]int(nil), tw.schools...)
	r.Shuffle(len(order), func(i, j int) { order[i], order[j] = order[j], order[i] })
	for k, name := range villageNames(r, n, communities) {
		s := order[k%len(order)]
		v := int32(len(d.villages))
		d.villages = append(d.villages, village{name: name, township: t, school: s})
		tw.villages = append(tw.villages, v)
		d.schools[s].villages = append(d.schools[s].villages, v)
	}
	for _, s := range tw.schools {
		d.schools[s].townVillas = tw.villages
	}
}

// nameSchools names schools after their township and, for a second school
// of a kind, after one of its villages: 临江镇中心小学, 临江镇石龙小学,
// 临江镇初级中学, 临江镇双河学校.
func (d *district) nameSchools() {
	seen := make(map[string]struct{})
	for t := range d.townships {
		tw := &d.townships[t]
		count := [3]int{}
		for _, s := range tw.schools {
			sc := &d.schools[s]
			vname := d.villages[sc.villages[0]].name
			vstem := strings.TrimSuffix(strings.TrimSuffix(vname, "村"), "社区")
			var name string
			switch sc.kind {
			case kindPrimary:
				name = tw.name + vstem + "小学"
				if count[kindPrimary] == 0 {
					name = tw.name + "中心小学"
				}
			case kindJunior:
				name = tw.name + "初级中学"
				if count[kindJunior] > 0 {
					name = tw.name + "第" + hanNumber(count[kindJunior]+1) + "初级中学"
				}
			default:
				name = tw.name + vstem + "学校"
				if count[kindNineYear] == 0 {
					name = tw.name + "中心学校"
				}
			}
			count[sc.kind]++
			for k := 2; ; k++ {
				if _, dup := seen[name]; !dup {
					break
				}
				name = tw.name + vstem + "第" + hanNumber(k) + "小学"
			}
			seen[name] = struct{}{}
			sc.name = name
		}
	}
}

// hanNumber writes 1-99 in Chinese numerals.
func hanNumber(n int) string {
	const digits = "〇一二三四五六七八九"
	switch {
	case n < 10:
		return hanAt(digits, n)
	case n < 20:
		if n == 10 {
			return "十"
		}
		return "十" + hanAt(digits, n%10)
	case n < 100:
		s := hanAt(digits, n/10) + "十"
		if n%10 != 0 {
			s += hanAt(digits, n%10)
		}
		return s
	}
	return strconv.Itoa(n)
}

// layOutGrades splits each school's students over its grades (grade 9
// slightly smaller: some leave early) and counts the classes.
func (d *district) layOutGrades(r *rand.Rand) {
	for i := range d.schools {
		s := &d.schools[i]
		var w [10]float64
		sum := 0.0
		for g := s.lo; g <= s.hi; g++ {
			w[g] = 0.9 + 0.2*r.Float64()
			if g == 9 {
				w[g] *= 0.93
			}
			sum += w[g]
		}
		left, next := s.size, s.first
		for g := s.lo; g <= s.hi; g++ {
			c := int(float64(s.size) * w[g] / sum)
			if g == s.hi {
				c = left
			}
			s.grades[g] = gradeInfo{first: next, count: c}
			left -= c
			next += c
		}
	}
}

// classes returns the number of classes of a grade with count students.
func classes(count int) int {
	return (count + classCap - 1) / classCap
}

// hireTeachers creates the district admin, two admins per center, and per
// school a principal and about one teacher per 15 students, one of them
// homeroom teacher of each class.
func (d *district) hireTeachers(r *rand.Rand, nm *namer) {
	add := func(school, center int, role string) int32 {
		id := "T" + strconv.Itoa(10000000 + len(d.teachers) + 1)[1:]
		male := r.IntN(100) < 40
		t := teacher{id: id, name: nm.adult(r, male), school: school, center: center, role: role}
		fillContacts(r, &t)
		d.teachers = append(d.teachers, t)
		return int32(len(d.teachers) - 1)
	}
	add(-1, -1, roleDistrictAdmin)
	for ci := range d.centers {
		add(-1, ci, roleCenterAdmin)
		add(-1, ci, roleCenterAdmin)
		for _, si := range d.centers[ci].schools {
			s := &d.schools[si]
			nclass := 0
			for g := s.lo; g <= s.hi; g++ {
				nclass += classes(s.grades[g].count)
			}
			n := max(nclass+2, int(math.Round(float64(s.size)/15)))
			s.teachers = make([]int32, 0, n)
			s.teachers = append(s.teachers, add(si, ci, rolePrincipal))
			for k := 1; k < n; k++ {
				s.teachers = append(s.teachers, add(si, ci, roleTeacher))
			}
			// Homeroom teachers are a random subset of the school's teachers.
			pool := append([]int32(nil), s.teachers[1:]...)
			r.Shuffle(len(pool), func(i, j int) { pool[i], pool[j] = pool[j], pool[i] })
			k := 0
			for g := s.lo; g <= s.hi; g++ {
				nc := classes(s.grades[g].count)
				s.grades[g].homeroom = pool[k : k+nc : k+nc]
				k += nc
			}
		}
	}
}

// fillContacts gives a teacher a phone number and, for some, a WeCom or
// DingTalk account or an e-mail address (on a reserved test domain).
func fillContacts(r *rand.Rand, t *teacher) {
	if r.IntN(100) < 96 {
		t.phone = mobile(r)
	}
	digits := t.id[1:]
	if r.IntN(100) < 50 {
		t.wecom = "kz" + digits
	}
	if r.IntN(100) < 20 {
		t.dingtalk = strconv.FormatUint(1e15+r.Uint64N(9e15), 10)
	}
	if r.IntN(100) < 30 {
		t.email = "t" + digits + "@kzedu.example"
	}
}

// mobile draws an 11-digit mainland mobile number.
func mobile(r *rand.Rand) string {
	const prefixes = "133135137138139150151152157158159177180181182183187188189191193195198199"
	p := r.IntN(len(prefixes) / 3)
	return prefixes[p*3:p*3+3] + strconv.Itoa(100000000 + r.IntN(100000000))[1:]
}
