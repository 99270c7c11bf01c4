package config

import (
	"fmt"
	"net/mail"
	"slices"
	"strconv"
	"time"

	"baoxue/i18n"
	"baoxue/rules"
)

// MaxChannelTimeout bounds a channel's timeout well inside the lease a
// dispatcher holds on a notification while it sends it (10 minutes): a send
// outlasting the lease could be made again by another dispatcher.
const MaxChannelTimeout = 5 * time.Minute

func (v *validator) notifier(n Notifier) {
	if len(n.Channels) == 0 {
		v.add("notifier.channels", "config.channels.none")
	}
	first := map[string]int{}
	for i, ch := range n.Channels {
		key := fmt.Sprintf("notifier.channels[%d]", i)
		if ch.Name == "" {
			v.add(key+".name", "config.required")
		} else if j, dup := first[ch.Name]; dup {
			v.add(key+".name", "config.channel.duplicate", v.show(key+".name", ch.Name), strconv.Itoa(j))
		} else {
			first[ch.Name] = i
		}
		v.channel(key, ch)
	}
	switch _, ok := first[n.Default]; {
	case n.Default == "" && len(n.Channels) > 1:
		v.add("notifier.default", "config.default.required")
	case n.Default != "" && !ok:
		v.add("notifier.default", "config.channel.none_named", v.show("notifier.default", n.Default))
	}
	for i, r := range n.Routes {
		key := fmt.Sprintf("notifier.routes[%d]", i)
		if _, ok := first[r.Channel]; !ok {
			v.add(key+".channel", "config.channel.none_named", v.show(key+".channel", r.Channel))
		}
		if r.Match.empty() {
			v.add(key+".match", "config.route.empty")
		}
		v.oneOf(key+".match.role", r.Match.Role, []string{"teacher", "principal", "center_admin", "district_admin"})
		v.oneOf(key+".match.severity", r.Match.Severity, rules.Severities())
	}
	v.atLeast("notifier.retry.max_attempts", n.Retry.MaxAttempts, 1)
	v.positive("notifier.retry.initial", n.Retry.Initial)
	if n.Retry.Max < n.Retry.Initial {
		v.add("notifier.retry.max", "config.retry.max",
			v.show("notifier.retry.initial", n.Retry.Initial), v.show("notifier.retry.max", n.Retry.Max))
	}
}

func (v *validator) oneOf(key string, got, allowed []string) {
	for _, s := range got {
		if !slices.Contains(allowed, s) {
			v.add(key, "config.one_of", v.show(key, s), fmt.Sprint(allowed))
		}
	}
}

// channel checks the fields a channel's type requires and rejects the
// fields it does not use, so that a misplaced key is not silently ignored.
func (v *validator) channel(key string, ch Channel) {
	channelTypes := []string{TypeLog, TypeWebhook, TypeWeCom, TypeDingTalk, TypeEmail}
	if !slices.Contains(channelTypes, ch.Type) {
		v.add(key+".type", "config.channel.type", v.show(key+".type", ch.Type), fmt.Sprint(channelTypes))
		return
	}
	if ch.Timeout <= 0 {
		v.add(key+".timeout", "config.duration.positive_bare")
	} else if time.Duration(ch.Timeout) > MaxChannelTimeout {
		v.add(key+".timeout", "config.channel.timeout_max", MaxChannelTimeout.String())
	}
	if ch.PerMinute < 0 {
		v.add(key+".per_minute", "config.notifier.per_minute", v.show(key+".per_minute", ch.PerMinute))
	}
	// need and may are keys besides name, type and timeout; mode is the
	// kind of channel as messages name it.
	var need, may []string
	mode := i18n.M("config.mode.type", ch.Type)
	switch {
	case ch.Type == TypeWebhook:
		need, may = []string{"url"}, []string{"secret", "headers"}
	case ch.Type == TypeWeCom && ch.URL != "":
		mode, need = i18n.M("config.mode.wecom_robot"), []string{"url"}
	case ch.Type == TypeWeCom:
		mode, need = i18n.M("config.mode.wecom_app"), []string{"corp_id", "agent_id", "secret"}
	case ch.Type == TypeDingTalk && ch.URL != "":
		mode, need, may = i18n.M("config.mode.dingtalk_robot"), []string{"url"}, []string{"secret"}
	case ch.Type == TypeDingTalk:
		mode, need = i18n.M("config.mode.dingtalk_notice"), []string{"app_key", "agent_id", "secret"}
	case ch.Type == TypeEmail:
		need, may = []string{"from"}, []string{"smtp"}
	}
	set := setFields(ch)
	for _, f := range need {
		if !set[f] {
			v.add(key+"."+f, "config.channel.needs", mode)
		}
	}
	for _, f := range []string{"url", "secret", "headers", "corp_id", "agent_id", "app_key", "smtp", "from"} {
		if set[f] && !slices.Contains(need, f) && !slices.Contains(may, f) {
			v.add(key+"."+f, "config.channel.unused", mode)
		}
	}
	if set["url"] && !isHTTPURL(ch.URL) {
		v.add(key+".url", "config.url.http")
	}
	if ch.Type == TypeEmail {
		v.email(key, ch)
	}
}

func setFields(ch Channel) map[string]bool {
	return map[string]bool{
		"url": ch.URL != "", "secret": ch.Secret != "", "headers": len(ch.Headers) > 0,
		"corp_id": ch.CorpID != "", "agent_id": ch.AgentID != 0, "app_key": ch.AppKey != "",
		"smtp": ch.SMTP != (SMTP{}),
		"from": ch.From != "",
	}
}

func (v *validator) email(key string, ch Channel) {
	s := ch.SMTP
	if s.Host == "" {
		v.add(key+".smtp.host", "config.smtp.host")
	}
	if !slices.Contains([]string{TLSStartTLS, TLSImplicit, TLSNone}, s.TLS) {
		v.add(key+".smtp.tls", "config.smtp.tls", v.show(key+".smtp.tls", s.TLS))
	}
	if s.Port < 0 || s.Port > 65535 {
		v.add(key+".smtp.port", "config.smtp.port", v.show(key+".smtp.port", s.Port))
	}
	if (s.Username == "") != (s.Password == "") {
		v.add(key+".smtp", "config.smtp.auth")
	}
	if ch.From != "" {
		if _, err := mail.ParseAddress(ch.From); err != nil {
			v.add(key+".from", "config.mail.bad")
		}
	}
}
