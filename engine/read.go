package engine

import (
	"context"

	"golang.org/x/sync/errgroup"

	"baoxue/civil"
	"baoxue/store"
)

// rec is one dated record from a fact stream, reduced to what the engine needs.
type rec struct {
	sid   int64
	day   civil.Day
	flag  byte // absences: 'a' absent (unexcused), 's' sick, 'l' leave
	hours int32
}

const chunkSize = 8192

// streamInto runs one store stream in its own goroutine and hands its records
// over in chunks, so the merge pays one channel operation per chunk, not per row.
// The goroutine runs in g, which gets its error; the channel closes when it ends.
func streamInto(ctx context.Context, g *errgroup.Group,
	run func(ctx context.Context, fn func(*store.DatedRow) error) error) <-chan []rec {
	ch := make(chan []rec, 4)
	g.Go(func() error {
		defer close(ch)
		chunk := make([]rec, 0, chunkSize)
		err := run(ctx, func(r *store.DatedRow) error {
			d, ok := civil.ParseDayBytes(r.Date)
			if !ok {
				return nil // the importer writes only valid dates; skip anything else
			}
			var flag byte
			if len(r.Status) > 0 {
				flag = r.Status[0]
			}
			chunk = append(chunk, rec{sid: r.SID, day: d, flag: flag, hours: int32(r.Hours)})
			if len(chunk) == chunkSize {
				select {
				case ch <- chunk:
				case <-ctx.Done():
					return ctx.Err()
				}
				chunk = make([]rec, 0, chunkSize)
			}
			return nil
		})
		if err == nil && len(chunk) > 0 {
			select {
			case ch <- chunk:
			case <-ctx.Done():
				err = ctx.Err()
			}
		}
		return err
	})
	return ch
}

// cursor walks a chunked stream in sid order.
type cursor struct {
	ch   <-chan []rec
	buf  []rec
	i    int
	done bool
}

// each calls fn for each record of sid, dropping the records of smaller sids
// (students not evaluated) on the way.
func (c *cursor) each(sid int64, fn func(*rec)) {
	for {
		if c.i == len(c.buf) {
			if c.done {
				return
			}
			b, ok := <-c.ch
			if !ok {
				c.done = true
				return
			}
			c.buf, c.i = b, 0
			continue
		}
		r := &c.buf[c.i]
		if r.sid > sid {
			return
		}
		if r.sid == sid {
			fn(r)
		}
		c.i++
	}
}

// drain consumes what is left so the producer can finish.
func (c *cursor) drain() {
	for range c.ch {
	}
}
