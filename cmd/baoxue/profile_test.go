package main

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// TestWriteAllocs: BAOXUE_MEMPROFILE's file is a heap profile (gzipped,
// as pprof reads it).
func TestWriteAllocs(t *testing.T) {
	path := filepath.Join(t.TempDir(), "mem.out")
	writeAllocs(path)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(b, []byte{0x1f, 0x8b}) {
		t.Fatalf("not a gzipped profile: % x", b[:min(len(b), 8)])
	}
}
