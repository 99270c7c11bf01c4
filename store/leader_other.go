//go:build !unix

package store

import (
	"errors"
	"os"
)

var errLocked = errors.New("locked")

// lockFile does nothing where flock is missing: a second daemon on one
// SQLite file is not refused there.
func lockFile(*os.File) error { return nil }

func unlockFile(*os.File) {}
