package importer

import (
	"context"

	"baoxue/store"
)

// staging queues a batch's checked rows and stages them in chunks of
// stageChunk as they are read (store.Staged holds them in the import's
// transaction), so that a file of millions of records is never in memory
// at once, as the students' rows are not. Once the file has a bad row
// nothing more is staged: the import will write nothing. err is the first
// staging failure, reported by write; later rows are then only checked.
type staging[T any] struct {
	ctx     context.Context // the import's, for staging from add
	stage   *store.Staged[T]
	pending []T
	err     error
}

func newStaging[T any](ctx context.Context, stage *store.Staged[T]) *staging[T] {
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
	if !discard && s.err == nil && len(s.pending) > 0 {
		s.err = s.stage.Add(s.ctx, s.pending)
	}
	clear(s.pending) // drop the references to the rows' lines
	s.pending = s.pending[:0]
}

// finish stages the last rows and returns the first staging failure: a
// batch calls it before it writes anything else (the schools and teachers
// of ImplicitRefs), so that a failed transaction is reported as what
// failed and nothing is written after it.
func (s *staging[T]) finish() error {
	s.flush(false)
	return s.err
}

// write stages the last rows and merges every staged row into its table.
func (s *staging[T]) write(ctx context.Context) (store.Counts, error) {
	if err := s.finish(); err != nil {
		return store.Counts{}, err
	}
	return s.stage.Write(ctx)
}
