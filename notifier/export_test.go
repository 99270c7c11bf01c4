package notifier

// SetCrash makes d die after sending the row crash answers true for and
// before recording it, as a killed process would.
func SetCrash(d *Dispatcher, crash func(id int64) bool) { d.crash = crash }

// ErrCrashed is what a dispatcher killed by SetCrash returns.
var ErrCrashed = errCrashed

// Storable is storable, for tests.
var Storable = storable
