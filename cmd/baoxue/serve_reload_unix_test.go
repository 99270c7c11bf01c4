//go:build unix

package main

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

// TestServeRealSIGHUP: a real SIGHUP reloads the rules, here the built-in
// ones, which are not watched.
func TestServeRealSIGHUP(t *testing.T) {
	dir := t.TempDir()
	db := "file:" + filepath.Join(dir, "t.db")
	imported(t, dir, db)
	serveConfig(t, dir, db, "")
	_, logs, _ := startServe(t, dir)
	if err := syscall.Kill(os.Getpid(), syscall.SIGHUP); err != nil {
		t.Fatal(err)
	}
	waitFor(t, logs, "已重新加载规则（收到 SIGHUP 信号）：规则文件没有变化")
	if strings.Contains(logs.String(), "正在监视规则") {
		t.Errorf("the built-in rules are watched:\n%s", logs.String())
	}
}
