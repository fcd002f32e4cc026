package embedded

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/google/uuid"
	bolt "go.etcd.io/bbolt"

	"github.com/dirgate/dirgate/pkg/directory"
)

// Directory is the embedded backend: the whole directory in memory,
// persisted in one bbolt file. Every write is one bbolt transaction,
// synced to disk before the call returns.
type Directory struct {
	path    string
	log     *slog.Logger
	lockout lockoutPolicy
	hasher  hasher
	// pace makes refused logons take what wrong passwords take, their
	// failure's write included (credentials.go).
	pace directory.LogonPace
	// extra maps each allow-listed attribute name, folded, to its
	// configured spelling.
	extra map[string]string
	// ufields are the searchable user fields.
	ufields map[directory.Field]field[*userRec]
	// now is the clock; tests replace it.
	now func() time.Time
	// afterWrite, when set (by tests), runs after every write, outside the
	// lock: a check of the store's invariants.
	afterWrite func()

	// mu guards st and db: shared by reads, held exclusively by a write
	// from its first check to the end of its disk sync.
	mu     sync.RWMutex
	st     *state
	db     *bolt.DB
	closed bool
	// changes streams every commit to a read model (feed.go).
	changes changeLog
}

var _ directory.Directory = (*Directory)(nil)

// lockoutPolicy is when failed logons lock an account and for how long.
type lockoutPolicy struct {
	threshold int
	duration  time.Duration
}

// open opens (creating if needed) the database of a domain.
func open(ctx context.Context, c *Config, env directory.BackendEnv) (*Directory, error) {
	if err := ctx.Err(); err != nil {
		return nil, unavailable(err)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	baseDN, err := canonicalDN(env.BaseDN)
	if err != nil {
		return nil, fmt.Errorf("embedded: base DN: %w", err)
	}
	path, err := c.dbPath(env)
	if err != nil {
		return nil, err
	}
	log := env.Log
	if log == nil {
		log = slog.Default()
	}
	d := &Directory{
		path:    path,
		log:     log.With("backend", "embedded", "path", path),
		lockout: lockoutPolicy{threshold: c.LockoutThreshold, duration: c.LockoutDuration},
		hasher:  c.Argon2.hasher(),
		extra:   map[string]string{},
		now:     func() time.Time { return time.Now().UTC().Truncate(time.Microsecond) },
	}
	extra := c.ExtraAttributes
	if extra == nil {
		extra = directory.DefaultExtraAttributes("")
	}
	for _, a := range extra {
		d.extra[fold(a)] = a
	}
	d.ufields = d.userFields()
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("%w: embedded: creating %s: %w", directory.ErrUnavailable, filepath.Dir(path), err)
	}
	// The file lock keeps a second process out: the state in memory must
	// be the only writer's.
	db, err := bolt.Open(path, 0o600, &bolt.Options{Timeout: 2 * time.Second, FreelistType: bolt.FreelistMapType})
	if err != nil {
		if errors.Is(err, bolt.ErrTimeout) {
			return nil, fmt.Errorf("%w: embedded: %s is in use by another process", directory.ErrUnavailable, path)
		}
		return nil, fmt.Errorf("%w: embedded: opening %s: %w", directory.ErrUnavailable, path, err)
	}
	d.db = db
	if err := d.load(baseDN); err != nil {
		_ = db.Close()
		return nil, err
	}
	if err := d.ensureRoots(ctx, baseDN); err != nil {
		_ = db.Close()
		return nil, err
	}
	d.log.Info("embedded directory opened", "base", d.st.base.DN, "users", len(d.st.users),
		"groups", len(d.st.groups), "ous", len(d.st.ous))
	return d, nil
}

// canonicalDN parses a DN and writes it without spaces, keeping its case.
func canonicalDN(dn string) (string, error) {
	parsed, err := directory.ParseDN(dn)
	if err != nil {
		return "", err
	}
	return directory.FormatDN(parsed), nil
}

// load reads the database into a new state, creating the buckets of a
// new file.
func (d *Directory) load(baseDN string) error {
	var s *state
	err := d.db.Update(func(tx *bolt.Tx) error {
		for _, name := range allBuckets {
			if _, err := tx.CreateBucketIfNotExists(name); err != nil {
				return err
			}
		}
		meta := tx.Bucket(bucketMeta)
		switch v := meta.Get(keyVersion); {
		case v == nil:
			if err := meta.Put(keyVersion, []byte(schemaVersion)); err != nil {
				return err
			}
		case string(v) != schemaVersion:
			return fmt.Errorf("%w: embedded: %s has record layout %q; this dirgate reads %q",
				directory.ErrUnavailable, d.path, v, schemaVersion)
		}
		var err error
		if s, err = readState(tx); err != nil {
			return err
		}
		if s.base != nil && !directory.EqualDN(s.base.DN, baseDN) {
			return fmt.Errorf("%w: embedded: %s holds the domain %s, the configuration says %s",
				directory.ErrInvalidInput, d.path, s.base.DN, baseDN)
		}
		return nil
	})
	if err != nil {
		if errors.Is(err, directory.ErrInvalidInput) || errors.Is(err, directory.ErrUnavailable) {
			return err
		}
		return fmt.Errorf("%w: embedded: reading %s: %w", directory.ErrUnavailable, d.path, err)
	}
	d.st = s
	return nil
}

// readState decodes every record of the database.
func readState(tx *bolt.Tx) (*state, error) {
	s := newState()
	if raw := tx.Bucket(bucketMeta).Get(keyBase); raw != nil {
		var b baseRec
		if err := json.Unmarshal(raw, &b); err != nil {
			return nil, fmt.Errorf("decoding the base entry: %w", err)
		}
		s.setBase(&b)
	}
	if err := eachRecord(tx.Bucket(bucketOUs), func(o *ouRec) { s.addOU(o) }); err != nil {
		return nil, err
	}
	if err := eachRecord(tx.Bucket(bucketUsers), func(u *userRec) { s.addUser(u) }); err != nil {
		return nil, err
	}
	if err := eachRecord(tx.Bucket(bucketGroups), func(g *groupRec) { s.addGroup(g) }); err != nil {
		return nil, err
	}
	err := tx.Bucket(bucketCounters).ForEach(func(k, v []byte) error {
		n, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil {
			return fmt.Errorf("counter %s: %w", k, err)
		}
		s.counters[directory.IDKind(k)] = n
		return nil
	})
	return s, err
}

func eachRecord[T any](b *bolt.Bucket, add func(*T)) error {
	return b.ForEach(func(k, v []byte) error {
		rec := new(T)
		if err := json.Unmarshal(v, rec); err != nil {
			return fmt.Errorf("decoding record %s: %w", k, err)
		}
		add(rec)
		return nil
	})
}

// ensureRoots creates the base entry and the core's default containers,
// ou=people and ou=groups, when they are missing.
func (d *Directory) ensureRoots(ctx context.Context, baseDN string) error {
	return d.write(ctx, func(x *txn) error {
		now := d.now()
		if x.s.base == nil {
			x.setBase(&baseRec{ID: uuid.NewString(), DN: baseDN, Created: now, Modified: now})
		}
		for _, name := range []string{"people", "groups"} {
			dn := directory.ChildDN("ou", name, x.s.base.DN)
			if _, ok := x.s.dns[normDN(dn)]; ok {
				continue
			}
			x.putOU(&ouRec{ID: uuid.NewString(), DN: dn, Parent: x.s.base.ID, Name: name, Created: now, Modified: now})
		}
		return nil
	})
}

// unavailable wraps a context error: the directory did not answer in
// time.
func unavailable(err error) error {
	return fmt.Errorf("%w: %w", directory.ErrUnavailable, err)
}

func (d *Directory) closedErr() error {
	return fmt.Errorf("%w: the embedded directory %s is closed", directory.ErrUnavailable, d.path)
}

// read runs fn on the state under the shared lock.
func (d *Directory) read(ctx context.Context, fn func(s *state) error) error {
	if err := ctx.Err(); err != nil {
		return unavailable(err)
	}
	d.mu.RLock()
	defer d.mu.RUnlock()
	if d.closed {
		return d.closedErr()
	}
	return fn(d.st)
}

// write runs fn in a txn under the exclusive lock and commits what it
// changed in one synced bbolt transaction. An error from fn, a cancelled
// context or a failed commit undoes every change.
func (d *Directory) write(ctx context.Context, fn func(x *txn) error) error {
	err := d.commit(ctx, fn)
	if d.afterWrite != nil {
		d.afterWrite()
	}
	return err
}

func (d *Directory) commit(ctx context.Context, fn func(x *txn) error) error {
	if err := ctx.Err(); err != nil {
		return unavailable(err)
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return d.closedErr()
	}
	x := newTxn(d.st)
	if err := fn(x); err != nil {
		x.rollback()
		return err
	}
	if len(x.order) == 0 {
		return nil
	}
	if err := ctx.Err(); err != nil {
		x.rollback()
		return unavailable(err)
	}
	if err := d.db.Update(x.persist); err != nil {
		x.rollback()
		d.log.Error("embedded directory write failed", "err", err)
		return fmt.Errorf("%w: embedded: writing %s: %w", directory.ErrUnavailable, d.path, err)
	}
	d.committed(x)
	return nil
}

// Close releases the database file; the Directory is unusable afterwards.
func (d *Directory) Close() error {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.closed {
		return nil
	}
	d.closed = true
	if err := d.db.Close(); err != nil {
		return fmt.Errorf("%w: embedded: closing %s: %w", directory.ErrUnavailable, d.path, err)
	}
	return nil
}
