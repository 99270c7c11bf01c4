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

// buildFacts are what the build information Go records says of a build;
// "" is not recorded.
type buildFacts struct {
	version, revision, at, goVersion string
	// modified: the working tree had changes not committed.
	modified bool
}

// readBuild reads bi (nil: nothing recorded; the version is "(devel)").
func readBuild(bi *debug.BuildInfo) buildFacts {
	f := buildFacts{version: "(devel)"}
	if bi == nil {
		return f
	}
	if bi.Main.Version != "" {
		f.version = bi.Main.Version
	}
	f.goVersion = bi.GoVersion
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			f.revision = s.Value
		case "vcs.time":
			f.at = s.Value
			if t, err := time.Parse(time.RFC3339, s.Value); err == nil {
				f.at = t.UTC().Format("2006-01-02 15:04:05 UTC")
			}
		case "vcs.modified":
			f.modified = s.Value == "true"
		}
	}
	return f
}

// versionLines says what build this is, from the build information Go
// records (nil: none): the module version, the VCS revision (marked when
// the working tree had changes not committed) and its time, and the Go
// version. What the build does not record is said to be unknown.
func versionLines(bi *debug.BuildInfo) []i18n.Message {
	f := readBuild(bi)
	version, revision, at, modified, goVersion := f.version, f.revision, f.at, f.modified, f.goVersion
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
