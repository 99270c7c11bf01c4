package engine

// Progress hears how far a long step of a run has come: Start as the step
// begins, naming it and what it counts; Set now and then with the count so
// far; Done once at the end. The engine calls it from one goroutine at a
// time. report.Progress prints it on a terminal.
type Progress interface {
	Start(what, unit string)
	Set(n int)
	Done(n int)
}

// noProgress is the Progress of a run nobody watches.
type noProgress struct{}

func (noProgress) Start(string, string) {}
func (noProgress) Set(int)              {}
func (noProgress) Done(int)             {}
