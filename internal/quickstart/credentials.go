package quickstart

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
)

// MarshalJSON writes listen, admin, then the dialect sections by name:
// the order a person reading the file expects.
func (c *Credentials) MarshalJSON() ([]byte, error) {
	var b bytes.Buffer
	b.WriteByte('{')
	write := func(key string, v any) error {
		if b.Len() > 1 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(key)
		val, err := json.Marshal(v)
		if err != nil {
			return fmt.Errorf("credentials %s: %w", key, err)
		}
		b.Write(k)
		b.WriteByte(':')
		b.Write(val)
		return nil
	}
	if err := write("listen", c.Listen); err != nil {
		return nil, err
	}
	if err := write("admin", c.Admin); err != nil {
		return nil, err
	}
	for _, name := range slices.Sorted(maps.Keys(c.Dialects)) {
		if err := write(name, c.Dialects[name]); err != nil {
			return nil, err
		}
	}
	b.WriteByte('}')
	return b.Bytes(), nil
}

// writeCredentials writes the file 0600, created fresh: it is the only
// copy of the admin password.
func writeCredentials(path string, c *Credentials) error {
	raw, err := json.Marshal(c)
	if err != nil {
		return err
	}
	var pretty bytes.Buffer
	if err := json.Indent(&pretty, raw, "", "  "); err != nil {
		return err
	}
	pretty.WriteByte('\n')
	if err := os.Remove(path); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("quick start: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("quick start: %w", err)
	}
	if _, err := f.Write(pretty.Bytes()); err != nil {
		f.Close()
		return fmt.Errorf("quick start: write credentials: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("quick start: write credentials: %w", err)
	}
	return f.Close()
}

// printBanner shows the credentials once, on the terminal (stderr): not
// as a log record, which a handler may ship elsewhere, and not on stdout,
// the audit stream.
func printBanner(w io.Writer, c *Credentials, path string) {
	if w == nil {
		return
	}
	fmt.Fprintf(w, "\ndirgate quick start: first start. These credentials are shown once and saved in\n  %s (mode 0600)\n\n", path)
	fmt.Fprintf(w, "  listen:   http://%s\n", c.Listen)
	fmt.Fprintf(w, "  admin:    %s / %s\n", c.Admin.Username, c.Admin.Password)
	fmt.Fprintf(w, "  console:  http://%s/console/ (log in as the admin)\n", c.Listen)
	for _, name := range slices.Sorted(maps.Keys(c.Dialects)) {
		section, _ := json.Marshal(c.Dialects[name])
		fmt.Fprintf(w, "  %-9s %s\n", name+":", section)
	}
	fmt.Fprintln(w)
}
