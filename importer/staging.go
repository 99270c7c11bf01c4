package importer

import (
	"context"

	"baoxue/store"
)

// stageChunk is how many checked rows wait in memory before they are staged.
const stageChunk = 2048

// staging queues a batch's checked rows and stages them in chunks of
// stageChunk as they are read (the store's stage holds them in the
// import's transaction until the batch writes), so that a file of
// millions of rows is never in memory at once. Once the file has a bad row
// nothing more is staged: the import will write nothing. err is the first
// staging failure, which finish reports; later rows are then only checked.
type staging[T any] struct {
	ctx   context.Context // the import's, for staging from add
	stage interface {
		Add(ctx context.Context, rows []T) error
	}
	// check, when set, reads each chunk before it is staged (the
	// students' renames); its error is a staging failure.
	check   func(ctx context.Context, rows []T) error
	pending []T
	err     error
}

func newStaging[T any](ctx context.Context, stage interface {
	Add(ctx context.Context, rows []T) error
}) *staging[T] {
	return &staging[T]{ctx: ctx, stage: stage, pending: make([]T, 0, stageChunk)}
}

// push queues row v of r, staging the queue when it is full.
func (s *staging[T]) push(r *row, v T) {
	s.pending = append(s.pending, v)
	if len(s.pending) >= stageChunk {
		s.flush(r.p.total > 0)
	}
}

// flush stages the queued rows (unless discard) and empties the queue.
func (s *staging[T]) flush(discard bool) {
	if !discard && s.err == nil && len(s.pending) > 0 && s.check != nil {
		s.err = s.check(s.ctx, s.pending)
	}
	if !discard && s.err == nil && len(s.pending) > 0 {
		s.err = s.stage.Add(s.ctx, s.pending)
	}
	clear(s.pending) // drop the references to the rows' lines
	s.pending = s.pending[:0]
}

// finish stages the last rows and returns the first staging failure: a
// batch calls it before it writes anything (the schools and teachers of
// ImplicitRefs, then the staged rows), so that a failed transaction is
// reported as what failed and nothing is written after it.
func (s *staging[T]) finish() error {
	s.flush(false)
	return s.err
}

// writeRecords is the write of a record import whose file may name
// schools and teachers it does not list: the last rows staged (finish),
// those schools and teachers written (env.writeImplicit), then the staged
// rows merged.
func writeRecords[T any](ctx context.Context, e *env, rows *staging[T], stage *store.Staged[T]) (result, error) {
	if err := rows.finish(); err != nil {
		return result{}, err
	}
	if err := e.writeImplicit(ctx); err != nil {
		return result{}, err
	}
	c, err := stage.Write(ctx)
	return result{Counts: c}, err
}
