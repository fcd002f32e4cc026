package samba

import (
	"errors"
	"os"
	"path/filepath"
	"runtime"
	"syscall"
	"testing"
	"time"
)

// The lock that makes private DCs of test processes take turns is held
// for as long as the process lives, garbage collections included: an
// *os.File nothing refers to is closed by its finalizer, and closing it
// releases the lock while the DC still runs.
func TestTheMachineLockOutlivesGarbageCollection(t *testing.T) {
	defer func(f *os.File) { machineLock = f }(machineLock) // a private DC's, if this process has one
	path := filepath.Join(t.TempDir(), "lock")
	if err := holdLock(path); err != nil {
		t.Fatal(err)
	}
	defer machineLock.Close()
	// Finalizers run after a collection, in a goroutine of their own.
	for range 10 {
		runtime.GC()
		time.Sleep(10 * time.Millisecond)
	}
	other, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	err = syscall.Flock(int(other.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if !errors.Is(err, syscall.EWOULDBLOCK) {
		t.Fatalf("another open of the lock file could take it (%v): the lock was released", err)
	}
}
