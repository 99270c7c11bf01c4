package idnum

import (
	"errors"
	"testing"
	"time"
)

func TestCheckDigit(t *testing.T) {
	tests := []struct {
		first17 string
		want    byte
		wantErr bool
	}{
		{"11010519491231002", 'X', false}, // the example of GB 11643-1999
		{"44052418800101001", '4', false}, // another published example
		{"50023420150312005", 'X', false},
		{"50023420160831004", '4', false},
		{"50023420100101000", '2', false},
		{"5002342015031200", 0, true},   // 16 characters
		{"500234201503120051", 0, true}, // 18 characters
		{"5002342015031200A", 0, true},  // not a digit
	}
	for _, tt := range tests {
		t.Run(tt.first17, func(t *testing.T) {
			got, err := CheckDigit(tt.first17)
			if (err != nil) != tt.wantErr {
				t.Fatalf("CheckDigit(%q) error = %v, wantErr %v", tt.first17, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("CheckDigit(%q) = %q, want %q", tt.first17, got, tt.want)
			}
		})
	}
}

// TestCheckDigitAgainstDefinition compares CheckDigit with the definition
// of ISO 7064 MOD 11-2 (weights 2^(17-i) mod 11, check value (12 - sum mod 11)
// mod 11 with 10 written X) over many numbers.
func TestCheckDigitAgainstDefinition(t *testing.T) {
	for n := 0; n < 20000; n++ {
		b := []byte("50023420150312000")
		v := n * 7919
		for i := 16; i >= 6 && v > 0; i-- {
			b[i] = byte('0' + v%10)
			v /= 10
		}
		sum := 0
		for i := 0; i < 17; i++ {
			w := 1
			for k := 0; k < 17-i; k++ {
				w = w * 2 % 11
			}
			sum += int(b[i]-'0') * w
		}
		c := (12 - sum%11) % 11
		want := byte('0' + c)
		if c == 10 {
			want = 'X'
		}
		got, err := CheckDigit(string(b))
		if err != nil || got != want {
			t.Fatalf("CheckDigit(%s) = %q, %v; want %q", b, got, err, want)
		}
	}
}

func TestValid(t *testing.T) {
	tests := []struct {
		id   string
		want error // nil, a sentinel, or errAny
	}{
		{"11010519491231002X", nil},
		{"11010519491231002x", nil}, // lowercase x is read as X
		{"440524188001010014", nil},
		{"500234201608310044", nil},
		{"500234201608310045", ErrChecksum},
		{"110105194912310021", ErrChecksum},
		{"500234201402290017", ErrBirthDate}, // valid check digit, 2014-02-29 does not exist
		{"500234201513010000", errAny},       // month 13 (check digit wrong too)
		{"50023420160831004", ErrLength},
		{"5002342016083100440", ErrLength},
		{"", ErrLength},
		{"50023420160831A044", errAny},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			err := Valid(tt.id)
			switch {
			case tt.want == nil && err != nil:
				t.Fatalf("Valid(%q) = %v, want nil", tt.id, err)
			case tt.want == errAny && err == nil:
				t.Fatalf("Valid(%q) = nil, want an error", tt.id)
			case tt.want != nil && tt.want != errAny && !errors.Is(err, tt.want):
				t.Fatalf("Valid(%q) = %v, want %v", tt.id, err, tt.want)
			}
		})
	}
}

// errAny marks a test case that must fail without naming the reason.
var errAny = errors.New("any error")

func TestValidErrorHidesNumber(t *testing.T) {
	id := "500234201608310045"
	err := Valid(id)
	if err == nil {
		t.Fatal("Valid accepted a wrong check digit")
	}
	if msg := err.Error(); contains(msg, "201608") || contains(msg, id) {
		t.Errorf("error %q contains the number", msg)
	}
}

func contains(s, sub string) bool {
	for i := 0; i+len(sub) <= len(s); i++ {
		if s[i:i+len(sub)] == sub {
			return true
		}
	}
	return false
}

func TestBirthDate(t *testing.T) {
	tests := []struct {
		id     string
		want   string
		wantOK bool
	}{
		{"11010519491231002X", "1949-12-31", true},
		{"G500234201608310044", "2016-08-31", true},
		{"L500234201503120050", "2015-03-12", true},
		{"110105491231002", "1949-12-31", true}, // 15-digit, century 19
		{"500234201402290017", "", false},
		{"50023420160831004", "", false},
		{"11010549123100A", "", false},
		{"5002342016083100441", "", false}, // 19 characters without a letter
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			got, ok := BirthDate(tt.id)
			if ok != tt.wantOK {
				t.Fatalf("BirthDate(%q) ok = %v, want %v", tt.id, ok, tt.wantOK)
			}
			if ok && got.Format(time.DateOnly) != tt.want {
				t.Errorf("BirthDate(%q) = %s, want %s", tt.id, got.Format(time.DateOnly), tt.want)
			}
		})
	}
}

func TestFrom15(t *testing.T) {
	tests := []struct {
		old     string
		want    string
		wantErr bool
	}{
		{"110105491231002", "11010519491231002X", false},
		{"440524800101001", "440524198001010013", false},
		{"11010549123100", "", true},     // 14 digits
		{"11010549123100A", "", true},    // letter
		{"110105490230002", "", true},    // 1949-02-30
		{"110105491331002", "", true},    // month 13
		{"11010519491231002X", "", true}, // already 18
	}
	for _, tt := range tests {
		t.Run(tt.old, func(t *testing.T) {
			got, err := From15(tt.old)
			if (err != nil) != tt.wantErr {
				t.Fatalf("From15(%q) error = %v, wantErr %v", tt.old, err, tt.wantErr)
			}
			if got != tt.want {
				t.Errorf("From15(%q) = %q, want %q", tt.old, got, tt.want)
			}
			if err == nil {
				if verr := Valid(got); verr != nil {
					t.Errorf("From15(%q) = %q is not valid: %v", tt.old, got, verr)
				}
			}
		})
	}
}

func TestMask(t *testing.T) {
	tests := []struct{ in, want string }{
		{"50023420150312005X", "500234********005X"},
		{"G50023420150312005X", "G500234********005X"},
		{"L500234201503120050", "L500234********0050"},
		{"110105491231002", "110105*****1002"},
		{" 50023420150312005X ", "500234********005X"},
		{"", ""},
		{"12345", "*****"},
		{"G1234567890", "***********"},
		{"12345678901", "123456*8901"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := Mask(tt.in); got != tt.want {
				t.Errorf("Mask(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestMale(t *testing.T) {
	tests := []struct {
		id       string
		male, ok bool
	}{
		{"11010519491231002X", false, true}, // 17th digit 2
		{"G500234201001010017", true, true}, // 17th digit 1
		{"500234201001010002", false, true},
		{"5002342010010100", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.id, func(t *testing.T) {
			male, ok := Male(tt.id)
			if male != tt.male || ok != tt.ok {
				t.Errorf("Male(%q) = %v, %v; want %v, %v", tt.id, male, ok, tt.male, tt.ok)
			}
		})
	}
}
