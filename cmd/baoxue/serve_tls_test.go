package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"io"
	"log/slog"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"baoxue/config"
	"baoxue/i18n"
)

// selfSigned writes a new ECDSA certificate for 127.0.0.1, valid until
// notAfter, and its key to dir/cert.pem and dir/key.pem, and returns the
// certificate.
func selfSigned(t *testing.T, dir string, serial int64, notAfter time.Time) *x509.Certificate {
	t.Helper()
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	notBefore := time.Now().Add(-time.Hour)
	if notAfter.Before(notBefore) {
		notBefore = notAfter.Add(-24 * time.Hour)
	}
	tmpl := &x509.Certificate{
		SerialNumber: big.NewInt(serial),
		Subject:      pkix.Name{CommonName: "baoxue test"},
		NotBefore:    notBefore,
		NotAfter:     notAfter,
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	kder, err := x509.MarshalECPrivateKey(key)
	if err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "cert.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der})))
	write(t, filepath.Join(dir, "key.pem"), string(pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kder})))
	cert, err := x509.ParseCertificate(der)
	if err != nil {
		t.Fatal(err)
	}
	return cert
}

// quietSchedules turns every job off, for tests of the HTTP server.
const quietSchedules = `schedules: {evaluate: "off", home_teaching: "off", escalate: "off", campaigns: {march: "off", may: "off", september: "off"}}
`

// startServeTLS runs serve in dir until the returned stop is called, which
// returns its exit status; it returns the address serve listens on.
func startServeTLS(t *testing.T, errb io.Writer) (addr string, stop func() int) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	t.Cleanup(cancel)
	base, code := launchServe(t, ctx, io.Discard, errb)
	addr = strings.TrimPrefix(base, "http://")
	return addr, func() int {
		cancel()
		select {
		case c := <-code:
			return c
		case <-time.After(20 * time.Second):
			t.Fatal("serve did not stop")
			return -1
		}
	}
}

// TestServeTLS: with http.tls_cert and http.tls_key, serve answers HTTPS
// (TLS 1.2 at least, the configured certificate), refuses older TLS and
// plain HTTP, serves a renewed certificate without a restart, keeps the
// one in use when the renewed files do not load, and stops with 0.
func TestServeTLS(t *testing.T) {
	dir := t.TempDir()
	tlsDir := filepath.Join(dir, "tls")
	if err := os.Mkdir(tlsDir, 0o700); err != nil {
		t.Fatal(err)
	}
	first := selfSigned(t, tlsDir, 1, time.Now().Add(90*24*time.Hour))
	write(t, filepath.Join(dir, "baoxue.yaml"), `database: {dsn: "file:`+filepath.Join(dir, "t.db")+`"}
http: {listen: "127.0.0.1:0", tls_cert: tls/cert.pem, tls_key: tls/key.pem}
`+quietSchedules)
	if code, _, errs := cli(t, dir, "migrate"); code != 0 {
		t.Fatal(errs)
	}
	saved := certCheckEvery
	certCheckEvery = 0
	defer func() { certCheckEvery = saved }()

	var errb syncBuffer
	addr, stop := startServeTLS(t, &errb)
	// get fetches /healthz on a new connection trusting cert.
	get := func(trust *x509.Certificate, maxVersion uint16) (*http.Response, error) {
		pool := x509.NewCertPool()
		pool.AddCert(trust)
		tr := &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MaxVersion: maxVersion}, DisableKeepAlives: true}
		defer tr.CloseIdleConnections()
		resp, err := (&http.Client{Transport: tr, Timeout: 10 * time.Second}).Get("https://" + addr + "/healthz")
		if err != nil {
			return nil, err
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || strings.TrimSpace(string(body)) != "ok" {
			t.Errorf("/healthz over HTTPS: %d %q", resp.StatusCode, body)
		}
		return resp, nil
	}
	resp, err := get(first, 0)
	if err != nil {
		t.Fatalf("/healthz over HTTPS: %v\n%s", err, errb.String())
	}
	if resp.TLS == nil || resp.TLS.Version < tls.VersionTLS12 || resp.TLS.PeerCertificates[0].SerialNumber.Int64() != 1 {
		t.Errorf("TLS state: %+v", resp.TLS)
	}
	if _, err := get(first, tls.VersionTLS11); err == nil {
		t.Error("a TLS 1.1 client was served")
	}
	if resp, err := http.Get("http://" + addr + "/healthz"); err == nil {
		if resp.StatusCode == 200 {
			t.Error("plain HTTP was served")
		}
		resp.Body.Close()
	}

	// The certificate renewed in place is served from the next handshake.
	second := selfSigned(t, tlsDir, 2, time.Now().Add(180*24*time.Hour))
	resp, err = get(second, 0)
	if err != nil {
		t.Fatalf("/healthz with the renewed certificate: %v\n%s", err, errb.String())
	}
	if got := resp.TLS.PeerCertificates[0].SerialNumber.Int64(); got != 2 {
		t.Errorf("served certificate %d after renewal, want 2", got)
	}
	// A renewal that does not load leaves the certificate in use.
	write(t, filepath.Join(tlsDir, "cert.pem"), "not a certificate\n")
	if _, err := get(second, 0); err != nil {
		t.Fatalf("/healthz after a broken renewal: %v", err)
	}

	if c := stop(); c != 0 {
		t.Errorf("serve exited %d:\n%s", c, errb.String())
	}
	logs := errb.String()
	for _, want := range []string{"HTTPS 服务监听在 127.0.0.1:", "已换用新证书", "无法加载，继续使用原证书", "baoxue 服务已停止"} {
		if !strings.Contains(logs, want) {
			t.Errorf("the log does not say %q:\n%s", want, logs)
		}
	}
	if strings.Contains(logs, "本机以外也能访问") {
		t.Errorf("warned about a loopback address:\n%s", logs)
	}
}

// TestServeTLSRefused: a certificate or key that does not load stops serve
// with status 1 before it listens, naming the files and where the
// configuration set them; one of the two alone is refused at its line.
func TestServeTLSRefused(t *testing.T) {
	other := t.TempDir()
	selfSigned(t, other, 9, time.Now().Add(24*time.Hour))
	for _, tc := range []struct {
		name  string
		setup func(t *testing.T, dir string)
		http  string
		want  []string
	}{
		{"missing files", func(*testing.T, string) {}, "{listen: \"127.0.0.1:0\", tls_cert: cert.pem, tls_key: key.pem}",
			[]string{"无法加载 HTTPS 证书", "cert.pem", "（设置于 baoxue.yaml:2:", "no such file"}},
		{"not PEM", func(t *testing.T, dir string) {
			write(t, filepath.Join(dir, "cert.pem"), "hello\n")
			write(t, filepath.Join(dir, "key.pem"), "hello\n")
		}, "{listen: \"127.0.0.1:0\", tls_cert: cert.pem, tls_key: key.pem}", []string{"无法加载 HTTPS 证书", "PEM"}},
		{"key of another certificate", func(t *testing.T, dir string) {
			selfSigned(t, dir, 1, time.Now().Add(24*time.Hour))
			b, _ := os.ReadFile(filepath.Join(other, "key.pem"))
			write(t, filepath.Join(dir, "key.pem"), string(b))
		}, "{listen: \"127.0.0.1:0\", tls_cert: cert.pem, tls_key: key.pem}", []string{"无法加载 HTTPS 证书", "private key does not match public key"}},
		{"certificate alone", func(*testing.T, string) {}, "{listen: \"127.0.0.1:0\", tls_cert: cert.pem}",
			[]string{"baoxue.yaml:2:41: http.tls_cert: 设置了 tls_cert 却没有设置 tls_key"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir := t.TempDir()
			tc.setup(t, dir)
			write(t, filepath.Join(dir, "baoxue.yaml"), `database: {dsn: "file:`+filepath.Join(dir, "t.db")+`"}
http: `+tc.http+"\n"+quietSchedules)
			if code, _, errs := cli(t, dir, "migrate"); code != 0 && !strings.Contains(tc.name, "alone") {
				t.Fatal(errs)
			}
			listened := false
			serveListening = func(string) { listened = true }
			defer func() { serveListening = nil }()
			code, _, errs := cli(t, dir, "serve")
			if code != 1 || listened {
				t.Errorf("serve: exit %d, listened %v, want 1 before listening\n%s", code, listened, errs)
			}
			for _, w := range tc.want {
				if !strings.Contains(errs, w) {
					t.Errorf("serve's error lacks %q:\n%s", w, errs)
				}
			}
		})
	}
}

// TestServeTLSExpired: an expired certificate is served, with a warning
// that says so and when.
func TestServeTLSExpired(t *testing.T) {
	dir := t.TempDir()
	selfSigned(t, dir, 1, time.Date(2025, 7, 1, 0, 0, 0, 0, time.UTC))
	c := config.Default()
	c.HTTP.TLSCert, c.HTTP.TLSKey = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	var logs bytes.Buffer
	if _, err := loadCertificate(c, slog.New(slog.NewTextHandler(&logs, nil)), i18n.NewPrinter(i18n.Chinese)); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(logs.String(), "已于 2025-07-01 过期") {
		t.Errorf("no warning of the expired certificate:\n%s", logs.String())
	}
}

// TestExposed: serve warns at start about plain HTTP on an address
// reachable beyond this machine, not about HTTPS nor loopback.
func TestExposed(t *testing.T) {
	for _, tc := range []struct {
		listen, cert string
		want         bool
	}{
		{"127.0.0.1:8080", "", false},
		{"localhost:8080", "", false},
		{"[::1]:8080", "", false},
		{"0.0.0.0:8080", "", true},
		{":8080", "", true},
		{"192.0.2.10:8080", "", true},
		{"0.0.0.0:8443", "cert.pem", false},
		{":8443", "cert.pem", false},
	} {
		if got := exposed(config.HTTP{Listen: tc.listen, TLSCert: tc.cert, TLSKey: tc.cert}); got != tc.want {
			t.Errorf("exposed(%s, tls %v) = %v, want %v", tc.listen, tc.cert != "", got, tc.want)
		}
	}
}
