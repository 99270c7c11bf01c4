package main

import (
	"context"
	"fmt"
	"runtime/debug"
)

func cmdVersion(ctx context.Context, a *app, args []string) error {
	v, rev := "(devel)", ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		if bi.Main.Version != "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 12 {
				rev = " " + s.Value[:12]
			}
		}
	}
	fmt.Fprintf(a.stdout, "baoxue %s%s\n", v, rev)
	return nil
}
