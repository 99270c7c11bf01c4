package notifier

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"time"

	"baoxue/config"
)

// Constructor builds the channel ch of one type.
type Constructor func(ch config.Channel, deps Deps) (Channel, error)

// Deps is what channels are built with. The zero value builds the log
// channel only.
type Deps struct {
	// Types maps a channel type (config.TypeWebhook, config.TypeWeCom, ...)
	// to its constructor. The command wires the channel packages in
	// (notifier/webhook, notifier/wecom, ...), which import notifier; log
	// is built in.
	Types map[string]Constructor
	// Out is where the log channel writes its lines. Default os.Stdout.
	Out io.Writer
	// HTTP is the client of the HTTP channels; nil: each builds its own,
	// bounded by the channel's timeout.
	HTTP *http.Client
	// Now is the clock a channel reads (a Retry-After date). Default
	// time.Now.
	Now func() time.Time
	// Logger is for what a channel logs. Default slog.Default().
	Logger *slog.Logger
}

func (d Deps) filled() Deps {
	if d.Out == nil {
		d.Out = os.Stdout
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.Default()
	}
	return d
}

// New builds every channel of cfg, by name. A channel whose type has no
// constructor in deps.Types (log needs none) is an error, as is a
// constructor's error.
func New(cfg config.Notifier, deps Deps) (map[string]Channel, error) {
	deps = deps.filled()
	out := make(map[string]Channel, len(cfg.Channels))
	for _, ch := range cfg.Channels {
		build := deps.Types[ch.Type]
		if build == nil && ch.Type == config.TypeLog {
			build = NewLog
		}
		if build == nil {
			return nil, fmt.Errorf("notifier channel %s: type %s is not built into this baoxue", ch.Name, ch.Type)
		}
		c, err := build(ch, deps)
		if err != nil {
			return nil, fmt.Errorf("notifier channel %s: %w", ch.Name, err)
		}
		out[ch.Name] = c
	}
	return out, nil
}
