package server

import (
	"context"
	"errors"
	"net"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
)

func TestUnixSocketReplacesStaleSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.sock")
	// A socket file nobody listens on: what a crash leaves behind.
	fd, err := syscall.Socket(syscall.AF_UNIX, syscall.SOCK_STREAM, 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := syscall.Bind(fd, &syscall.SockaddrUnix{Name: path}); err != nil {
		t.Fatal(err)
	}
	syscall.Close(fd)

	s, err := listenUnix(context.Background(), path, 0o660)
	if err != nil {
		t.Fatalf("stale socket not replaced: %v", err)
	}
	fi, err := os.Lstat(path)
	if err != nil || fi.Mode().Perm() != 0o660 {
		t.Errorf("mode %v %v", fi, err)
	}
	if s.Addr().String() != path {
		t.Errorf("Addr = %s, want %s", s.Addr(), path)
	}
	conn, err := net.Dial("unix", path)
	if err != nil {
		t.Fatalf("new socket does not answer: %v", err)
	}
	conn.Close()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Lstat(path); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("socket not removed on close: %v", err)
	}
	entries, _ := os.ReadDir(filepath.Dir(path))
	if len(entries) != 0 {
		t.Errorf("left behind: %v", entries)
	}
}

func TestUnixSocketRefusesLiveSocket(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.sock")
	live, err := net.Listen("unix", path)
	if err != nil {
		t.Fatal(err)
	}
	defer live.Close()
	if _, err := listenUnix(context.Background(), path, 0o660); !errors.Is(err, ErrSocketInUse) {
		t.Errorf("err = %v, want ErrSocketInUse", err)
	}
	if conn, err := net.Dial("unix", path); err != nil {
		t.Errorf("the live socket was disturbed: %v", err)
	} else {
		conn.Close()
	}
}

func TestUnixSocketRefusesOtherFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.sock")
	if err := os.WriteFile(path, []byte("precious"), 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := listenUnix(context.Background(), path, 0o660)
	if err == nil || !strings.Contains(err.Error(), "not a socket") {
		t.Errorf("err = %v", err)
	}
	if b, _ := os.ReadFile(path); string(b) != "precious" {
		t.Error("the file was touched")
	}
}

func TestUnixSocketCloseLeavesAReplacement(t *testing.T) {
	path := filepath.Join(t.TempDir(), "s.sock")
	s, err := listenUnix(context.Background(), path, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	// Someone removed ours and put their own file there.
	os.Remove(path)
	if err := os.WriteFile(path, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Lstat(path); err != nil {
		t.Errorf("Close removed a file that was not ours: %v", err)
	}
}
