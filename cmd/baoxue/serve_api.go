package main

import (
	"baoxue/server"
)

// newAPI is the teacher API (SPEC §8) on the daemon's store: its errors in
// the installation's language, dates in its time zone, rule names from the
// rules loaded at each request.
func (d *daemon) newAPI() *server.API {
	return server.New(d.st, server.Options{Location: d.c.Location, Printer: newPrinter(d.c.Lang), Logger: d.log,
		RuleName: func(id string) string {
			if set := d.rules.Load(); set != nil {
				if r := set.Rule(id); r != nil {
					return r.Name
				}
			}
			return ""
		}})
}
