package main

import (
	"context"
	"runtime/debug"
	"time"

	"baoxue/i18n"
)

func cmdVersion(ctx context.Context, a *app, args []string) error {
	bi, _ := debug.ReadBuildInfo()
	for _, line := range versionLines(bi) {
		a.p.Fprintln(a.stdout, line.Key, line.Args...)
	}
	return nil
}

// versionLines says what build this is, from the build information Go
// records (nil: none): the module version, the VCS revision (marked when
// the working tree had changes not committed) and its time, and the Go
// version. What the build does not record is said to be unknown.
func versionLines(bi *debug.BuildInfo) []i18n.Message {
	version, revision, at, modified, goVersion := "(devel)", "", "", false, ""
	if bi != nil {
		if bi.Main.Version != "" {
			version = bi.Main.Version
		}
		goVersion = bi.GoVersion
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				revision = s.Value
			case "vcs.time":
				at = s.Value
				if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
					at = t.UTC().Format("2006-01-02 15:04:05 UTC")
				}
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	unknown := i18n.M("version.unknown")
	lines := []i18n.Message{i18n.M("version.version", version)}
	switch {
	case revision == "":
		lines = append(lines, i18n.M("version.revision", unknown))
	case modified:
		lines = append(lines, i18n.M("version.revision_modified", revision))
	default:
		lines = append(lines, i18n.M("version.revision", revision))
	}
	if at == "" {
		lines = append(lines, i18n.M("version.time", unknown))
	} else {
		lines = append(lines, i18n.M("version.time", at))
	}
	if goVersion == "" {
		lines = append(lines, i18n.M("version.go", unknown))
	} else {
		lines = append(lines, i18n.M("version.go", goVersion))
	}
	return lines
}
