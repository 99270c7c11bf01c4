package notifier

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sync"
	"time"

	"baoxue/config"
)

// Log is the log channel, the embedded default: one JSON line per message
// on an io.Writer (standard output), for an operator to read or a log
// shipper to forward. It shows students' names masked (张*), no messages
// and no sensitive rule's name (Limits.Masked), and never an identity
// number. A line:
//
//	{"time":"2026-03-10T11:00:00Z","channel":"log","key":"bx-…","teacher":"T001","title":"保学提醒｜王*｜2026-03-10","text":"…"}
//
// text is the digest as a teacher would read it, masked, cut at
// LogMaxBytes so that a line stays whole through log drivers that split
// long lines (Docker's at 16 KiB).
type Log struct {
	name string
	mu   sync.Mutex
	out  io.Writer
}

// NewLog builds a log channel writing to deps.Out; it is the Constructor of
// config.TypeLog.
func NewLog(ch config.Channel, deps Deps) (Channel, error) {
	return &Log{name: ch.Name, out: deps.filled().Out}, nil
}

// Name is the channel's name.
func (l *Log) Name() string { return l.name }

// LogMaxBytes bounds the text of one log line.
const LogMaxBytes = 8 << 10

// Limits: masked, cut at LogMaxBytes.
func (l *Log) Limits() Limits { return Limits{Masked: true, MaxBytes: LogMaxBytes} }

// Address reaches everyone.
func (l *Log) Address(Recipient) string { return "" }

// Pace does not limit a log.
func (l *Log) Pace() (string, int) { return "log:" + l.name, 0 }

// logLine is one line of the log channel.
type logLine struct {
	Time    string `json:"time"`
	Channel string `json:"channel"`
	Key     string `json:"key"`
	Teacher string `json:"teacher"`
	Title   string `json:"title"`
	Text    string `json:"text"`
}

// Notify writes m as one line.
func (l *Log) Notify(_ context.Context, m *Message) error {
	line := logLine{Time: m.SentAt.UTC().Format(time.RFC3339), Channel: l.name, Key: m.Key, Teacher: m.To.Teacher,
		Title: m.Title, Text: m.Text}
	b, err := json.Marshal(line)
	if err != nil {
		return fmt.Errorf("log channel %s: %w", l.name, err)
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	if _, err := l.out.Write(append(b, '\n')); err != nil {
		return fmt.Errorf("log channel %s: %w", l.name, err)
	}
	return nil
}
