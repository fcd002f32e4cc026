package config

import (
	"bytes"
	"encoding"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// Marshal renders the configuration as YAML that Load reads back to the
// same values: every field is written (a zero value may differ from a
// block's default), keys in declaration order, durations as "30s".
func Marshal(c *Config, header string) ([]byte, error) {
	return marshal(c, header, nil)
}

// marshal is Marshal with an edit of the tree before it is written.
func marshal(c *Config, header string, edit func(root *yaml.Node)) ([]byte, error) {
	doc := &yaml.Node{Kind: yaml.DocumentNode, HeadComment: header}
	root, err := encode(reflect.ValueOf(c))
	if err != nil {
		return nil, err
	}
	if edit != nil {
		edit(root)
	}
	doc.Content = []*yaml.Node{root}
	var b bytes.Buffer
	enc := yaml.NewEncoder(&b)
	enc.SetIndent(2)
	if err := enc.Encode(doc); err != nil {
		return nil, err
	}
	if err := enc.Close(); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

// Save writes the configuration to path with mode 0600 (it may hold
// secrets), replacing any file there only once the new one is complete.
func Save(c *Config, path, header string) error {
	b, err := Marshal(c, header)
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".*")
	if err != nil {
		return fmt.Errorf("save configuration: %w", err)
	}
	defer os.Remove(tmp.Name()) // after a successful rename there is nothing left to remove
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("save configuration: %w", err)
	}
	if _, err := tmp.Write(b); err != nil {
		tmp.Close()
		return fmt.Errorf("save configuration: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("save configuration: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save configuration: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save configuration: %w", err)
	}
	return nil
}

var (
	durationType      = reflect.TypeFor[time.Duration]()
	textMarshalerType = reflect.TypeFor[encoding.TextMarshaler]()
	backendType       = reflect.TypeFor[Backend]()
	dialectType       = reflect.TypeFor[Dialect]()
)

// encode turns a value into a YAML node following mapstructure tags, the
// way decodeInto reads them back.
func encode(v reflect.Value) (*yaml.Node, error) {
	for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
		if v.IsNil() {
			return &yaml.Node{Kind: yaml.ScalarNode, Tag: "!!null", Value: "null"}, nil
		}
		if v.Type().Implements(textMarshalerType) && v.Kind() == reflect.Pointer {
			break
		}
		v = v.Elem()
	}
	t := v.Type()
	switch {
	case t == durationType:
		return scalar(time.Duration(v.Int()).String(), "!!str"), nil
	case t.Implements(textMarshalerType):
		b, err := v.Interface().(encoding.TextMarshaler).MarshalText()
		if err != nil {
			return nil, err
		}
		return scalar(string(b), "!!str"), nil
	case t == backendType || t == dialectType:
		return encodeBlock(v)
	}
	switch v.Kind() {
	case reflect.Struct:
		m := &yaml.Node{Kind: yaml.MappingNode}
		if err := encodeFields(m, v); err != nil {
			return nil, err
		}
		return m, nil
	case reflect.Map:
		m := &yaml.Node{Kind: yaml.MappingNode}
		keys := v.MapKeys()
		slices.SortFunc(keys, func(a, b reflect.Value) int {
			return strings.Compare(fmt.Sprint(a.Interface()), fmt.Sprint(b.Interface()))
		})
		for _, k := range keys {
			val, err := encode(v.MapIndex(k))
			if err != nil {
				return nil, err
			}
			m.Content = append(m.Content, scalar(fmt.Sprint(k.Interface()), "!!str"), val)
		}
		return m, nil
	case reflect.Slice, reflect.Array:
		if v.Kind() == reflect.Slice && v.Type().Elem().Kind() == reflect.Uint8 {
			return scalar(string(v.Bytes()), "!!str"), nil
		}
		s := &yaml.Node{Kind: yaml.SequenceNode}
		for i := range v.Len() {
			e, err := encode(v.Index(i))
			if err != nil {
				return nil, err
			}
			s.Content = append(s.Content, e)
		}
		return s, nil
	case reflect.String:
		return scalar(v.String(), "!!str"), nil
	case reflect.Bool:
		return scalar(strconv.FormatBool(v.Bool()), "!!bool"), nil
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return scalar(strconv.FormatInt(v.Int(), 10), "!!int"), nil
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return scalar(strconv.FormatUint(v.Uint(), 10), "!!int"), nil
	case reflect.Float32, reflect.Float64:
		return scalar(strconv.FormatFloat(v.Float(), 'g', -1, 64), "!!float"), nil
	default:
		return nil, fmt.Errorf("configuration cannot hold a %s", t)
	}
}

// encodeBlock writes a backend or dialect block: its fields, then its
// typed `config:`.
func encodeBlock(v reflect.Value) (*yaml.Node, error) {
	m := &yaml.Node{Kind: yaml.MappingNode}
	if err := encodeFields(m, v); err != nil {
		return nil, err
	}
	cfg := v.FieldByName("Config")
	if !cfg.IsNil() {
		c, err := encode(cfg)
		if err != nil {
			return nil, err
		}
		m.Content = append(m.Content, scalar("config", "!!str"), c)
	}
	return m, nil
}

func encodeFields(m *yaml.Node, v reflect.Value) error {
	t := v.Type()
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("mapstructure"), ",")
		if name == "-" {
			continue
		}
		fv := v.Field(i)
		if strings.Contains(opts, "squash") || (f.Anonymous && name == "" && fv.Kind() == reflect.Struct) {
			if err := encodeFields(m, fv); err != nil {
				return err
			}
			continue
		}
		if strings.Contains(opts, "omitempty") && fv.IsZero() {
			continue
		}
		if strings.Contains(opts, "remain") && fv.Kind() == reflect.Map {
			rest, err := encode(fv)
			if err != nil {
				return err
			}
			m.Content = append(m.Content, rest.Content...)
			continue
		}
		if name == "" {
			// Untagged fields (directory.Range's Min, Max) are matched
			// case-insensitively: write them the way the file's keys look.
			name = strings.ToLower(f.Name[:1]) + f.Name[1:]
		}
		val, err := encode(fv)
		if err != nil {
			return fmt.Errorf("%s: %w", name, err)
		}
		m.Content = append(m.Content, scalar(name, "!!str"), val)
	}
	return nil
}

func scalar(value, tag string) *yaml.Node {
	return &yaml.Node{Kind: yaml.ScalarNode, Tag: tag, Value: value}
}
