package main

import (
	"crypto/tls"
	"log/slog"
	"os"
	"strconv"
	"sync"
	"time"

	"baoxue/config"
	"baoxue/i18n"
)

// certCheckEvery bounds how often a TLS handshake looks whether the
// certificate files changed; tests shorten it.
var certCheckEvery = 10 * time.Second

// certificate is the daemon's HTTPS certificate: read from http.tls_cert
// and http.tls_key before the daemon listens, and read again when either
// file changes, so that a renewed certificate is served without a restart.
// A renewed pair that does not load leaves the one in use in place.
type certificate struct {
	certFile, keyFile string
	log               *slog.Logger
	p                 *i18n.Printer

	mu      sync.Mutex
	cert    *tls.Certificate
	stamp   string // the files' sizes and times when cert was read
	checked time.Time
}

// loadCertificate reads h's key pair; an error names both files and where
// the configuration set them, for the admin to fix before serve starts.
func loadCertificate(c *config.Config, log *slog.Logger, p *i18n.Printer) (*certificate, error) {
	h := c.HTTP
	cert := &certificate{certFile: h.TLSCert, keyFile: h.TLSKey, log: log, p: p}
	cert.stamp = cert.files()
	kp, err := tls.LoadX509KeyPair(h.TLSCert, h.TLSKey)
	if err != nil {
		where := c.Where("http.tls_cert")
		if where == "" {
			where = "http.tls_cert"
		}
		return nil, bad("serve.tls.load", h.TLSCert, h.TLSKey, where, err)
	}
	cert.use(&kp)
	cert.checked = time.Now()
	return cert, nil
}

// tlsConfig is the server's TLS: TLS 1.2 at least, Go's default cipher
// suites (all with forward secrecy and AEAD), the certificate as it is now.
func (c *certificate) tlsConfig() *tls.Config {
	return &tls.Config{MinVersion: tls.VersionTLS12, GetCertificate: c.get}
}

// use puts kp in service, warning when it has expired.
func (c *certificate) use(kp *tls.Certificate) {
	c.cert = kp
	if kp.Leaf != nil && time.Now().After(kp.Leaf.NotAfter) {
		c.log.Warn(c.p.Sprintf("serve.tls.expired", c.certFile, kp.Leaf.NotAfter.Format(time.DateOnly)))
	}
}

// files stamps the two files by size and modification time; "" when one
// cannot be read.
func (c *certificate) files() string {
	s := ""
	for _, f := range []string{c.certFile, c.keyFile} {
		fi, err := os.Stat(f)
		if err != nil {
			return ""
		}
		s += strconv.FormatInt(fi.Size(), 10) + "@" + fi.ModTime().UTC().Format(time.RFC3339Nano) + " "
	}
	return s
}

// get is tls.Config.GetCertificate: the certificate in use, read again
// first when the files changed since it was read.
func (c *certificate) get(*tls.ClientHelloInfo) (*tls.Certificate, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if time.Since(c.checked) < certCheckEvery {
		return c.cert, nil
	}
	c.checked = time.Now()
	stamp := c.files()
	if stamp == "" || stamp == c.stamp {
		return c.cert, nil
	}
	// Whatever comes of it, these files are read once: a pair written
	// half (the certificate before the key) changes again when complete.
	c.stamp = stamp
	kp, err := tls.LoadX509KeyPair(c.certFile, c.keyFile)
	if err != nil {
		c.log.Warn(c.p.Sprintf("serve.tls.reload_failed", c.certFile, c.keyFile, err))
		return c.cert, nil
	}
	c.use(&kp)
	c.log.Info(c.p.Sprintf("serve.tls.reloaded", c.certFile))
	return c.cert, nil
}

// exposed reports whether the HTTP server of h is reachable beyond this
// machine in plain HTTP, which serve warns about at start.
func exposed(h config.HTTP) bool {
	return !loopback(h.Listen) && h.TLSCert == ""
}
