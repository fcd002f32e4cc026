package readmodel

import "testing"

// SetReleaseMemory replaces what the end of a full load calls to return
// memory to the OS, until the test ends.
func SetReleaseMemory(t testing.TB, f func()) {
	old := releaseMemory
	releaseMemory = f
	t.Cleanup(func() { releaseMemory = old })
}
