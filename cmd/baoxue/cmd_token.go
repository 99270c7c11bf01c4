package main

import (
	"context"
	"flag"
	"io"
	"strconv"
	"strings"
	"time"

	"baoxue/config"
	"baoxue/i18n"
	"baoxue/report"
	"baoxue/server"
	"baoxue/store"
)

func cmdToken(ctx context.Context, a *app, args []string) error {
	if len(args) == 0 {
		return badInput{i18n.Errorf("token.usage")}
	}
	switch args[0] {
	case "create":
		return tokenCreate(ctx, a, args[1:])
	case "list":
		return tokenList(ctx, a, args[1:])
	case "revoke":
		return tokenRevoke(ctx, a, args[1:])
	}
	return badInput{i18n.Errorf("token.unknown", args[0])}
}

// tokenCommands are the subcommands of token, for help and completion.
func tokenCommands() []command {
	return []command{
		{name: "create", summary: "cmd.token.create.summary", flags: new(tokenCreateFlags).define},
		{name: "list", summary: "cmd.token.list.summary", flags: new(tokenListFlags).define},
		{name: "revoke", summary: "cmd.token.revoke.summary", args: "ID...", flags: noFlags},
	}
}

type tokenCreateFlags struct {
	teacher, expires string
	admin            bool
}

func (f *tokenCreateFlags) define(fs *flag.FlagSet) {
	fs.StringVar(&f.teacher, "teacher", "", "token.flag.teacher ID")
	fs.BoolVar(&f.admin, "admin", false, "token.flag.admin")
	fs.StringVar(&f.expires, "expires", "90d", "token.flag.expires DURATION")
}

// tokenCreate makes a token for a teacher of the directory, or an admin
// token, and prints it once on standard output (and only there: what is
// stored is its hash); what it is for goes to standard error.
func tokenCreate(ctx context.Context, a *app, args []string) error {
	var f tokenCreateFlags
	fs := newFlags("token create", a.stderr)
	f.define(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInput{i18n.Errorf("token.args", "create", pos[0])}
	}
	if f.admin == (f.teacher != "") {
		return badInput{i18n.Errorf("token.create.which")}
	}
	life, err := config.ParseDuration(f.expires)
	if err != nil {
		return badInput{err}
	}
	maxDays := int(server.MaxTokenLife / (24 * time.Hour))
	if life <= 0 || life > server.MaxTokenLife {
		return badInput{i18n.Errorf("token.expires", f.expires, maxDays)}
	}
	c, err := a.conf()
	if err != nil {
		return err
	}
	st, err := a.store(ctx, readWrite)
	if err != nil {
		return err
	}
	made, err := server.CreateToken(ctx, st, server.TokenRequest{Teacher: f.teacher, Admin: f.admin, Life: life,
		Actor: actor(), Now: time.Now()})
	if err != nil {
		return err
	}
	if _, err := io.WriteString(a.stdout, made.Token+"\n"); err != nil {
		return err
	}
	id, until := strconv.FormatInt(made.ID, 10), made.ExpiresAt.In(c.Location).Format("2006-01-02 15:04")
	if f.admin {
		a.p.Fprintln(a.stderr, "token.created.admin", id, until)
	} else {
		a.p.Fprintln(a.stderr, "token.created", id, report.TeacherLabel(a.p, made.Teacher.ID, made.Teacher.Name), until)
	}
	a.p.Fprintln(a.stderr, "token.created.once")
	return nil
}

type tokenListFlags struct{ json bool }

func (f *tokenListFlags) define(fs *flag.FlagSet) {
	fs.BoolVar(&f.json, "json", false, "token.flag.json")
}

// tokenList lists the tokens: whose, what for, until when; never a token
// or its hash.
func tokenList(ctx context.Context, a *app, args []string) error {
	var f tokenListFlags
	fs := newFlags("token list", a.stderr)
	f.define(fs)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) > 0 {
		return badInput{i18n.Errorf("token.args", "list", pos[0])}
	}
	c, err := a.conf()
	if err != nil {
		return err
	}
	st, err := a.store(ctx, readOnly)
	if err != nil {
		return err
	}
	now := time.Now()
	out := report.NewTokens(a.stdout, a.p, f.json)
	if err := st.StreamTokens(ctx, func(t *store.TokenRow) error {
		row := report.Token{ID: t.ID, Teacher: t.TeacherID, TeacherName: t.TeacherName, Role: t.Role,
			School: t.SchoolID, SchoolName: t.SchoolName, Center: t.Center, CreatedBy: t.CreatedBy,
			CreatedAt: t.CreatedAt, ExpiresAt: t.ExpiresAt, RevokedAt: t.RevokedAt, State: t.State(now),
			Created: localTime(t.CreatedAt, c.Location), Expires: localTime(t.ExpiresAt, c.Location)}
		if t.Admin {
			row.Role = "admin"
		}
		return out.Write(&row)
	}); err != nil {
		return err
	}
	return out.Close()
}

// tokenRevoke revokes the tokens named by their numbers (as token list
// shows them, with or without #). An unknown number is exit 1 and revokes
// nothing; one revoked already is said so.
func tokenRevoke(ctx context.Context, a *app, args []string) error {
	fs := newFlags("token revoke", a.stderr)
	pos, err := parseFlags(fs, args)
	if err != nil {
		return err
	}
	if len(pos) == 0 {
		return badInput{i18n.Errorf("token.revoke.usage")}
	}
	var ids []int64
	for _, s := range pos {
		id, err := strconv.ParseInt(strings.TrimPrefix(s, "#"), 10, 64)
		if err != nil || id <= 0 {
			return badInput{i18n.Errorf("token.revoke.bad_id", s)}
		}
		ids = append(ids, id)
	}
	c, err := a.conf()
	if err != nil {
		return err
	}
	st, err := a.store(ctx, readWrite)
	if err != nil {
		return err
	}
	done, err := server.RevokeTokens(ctx, st, ids, actor(), time.Now())
	if err != nil {
		return err
	}
	for _, r := range done {
		key := "token.revoked"
		if r.Already {
			key = "token.revoked.already"
		}
		a.p.Fprintln(a.stdout, key, strconv.FormatInt(r.ID, 10), localTime(r.RevokedAt, c.Location))
	}
	return nil
}
