package config

import (
	"errors"
	"fmt"
	"maps"
	"reflect"
	"strings"

	"github.com/go-viper/mapstructure/v2"
)

// decodeInto decodes input over out (which holds the defaults), recording
// every type error and every unknown key under path.
//
// Input is weakly typed because environment variables are strings
// ("30s", "1048576", "true"); a single value for a list becomes a list of
// one. scalarHook refuses what weak typing would silently change (a bare
// number for a duration, an unquoted number for a text). Strings are never split on commas: DNs contain them.
func decodeInto(input, out any, path string, ps *problems) {
	dec, err := mapstructure.NewDecoder(&mapstructure.DecoderConfig{
		Result:           out,
		WeaklyTypedInput: true,
		DecodeHook: mapstructure.ComposeDecodeHookFunc(
			fileModeHook,
			scalarHook,
			mapstructure.TextUnmarshallerHookFunc(),
		),
	})
	if err != nil {
		ps.add(path, err)
		return
	}
	err = dec.Decode(input)
	// Several errors come wrapped in one ("decoding failed due to the
	// following error(s)"): list each under its own key.
	if inner := errors.Unwrap(err); inner != nil {
		if _, joined := inner.(interface{ Unwrap() []error }); joined {
			err = inner
		}
	}
	for _, e := range leaves(err) {
		var de *mapstructure.DecodeError
		if errors.As(e, &de) {
			ps.add(join(path, de.Name()), de.Unwrap())
			continue
		}
		ps.add(path, e)
	}
	// Unknown keys are found by walking the input against the type rather
	// than by mapstructure, which stops reporting them in a struct that
	// also has a type error.
	unknownKeys(input, reflect.TypeOf(out), path, ps)
}

// unknownKeys reports every key of input that no field of t would take,
// matching names as mapstructure does (tag or field name, any case).
func unknownKeys(input any, t reflect.Type, path string, ps *problems) {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch in := input.(type) {
	case map[string]any:
		switch t.Kind() {
		case reflect.Map:
			for _, k := range sortedKeys(in) {
				unknownKeys(in[k], t.Elem(), join(path, k), ps)
			}
		case reflect.Struct:
			fields, open := structFields(t)
			for _, k := range sortedKeys(in) {
				f, ok := fields[strings.ToLower(k)]
				switch {
				case ok:
					unknownKeys(in[k], f, join(path, k), ps)
				case !open:
					ps.addf(join(path, k), "unknown key")
				}
			}
		}
	case []any:
		if t.Kind() == reflect.Slice || t.Kind() == reflect.Array {
			for i, e := range in {
				unknownKeys(e, t.Elem(), fmt.Sprintf("%s[%d]", path, i), ps)
			}
		}
	}
}

// structFields maps the lower-cased key of every field a map may set to
// the field's type; open is true when a ",remain" field takes any key.
func structFields(t reflect.Type) (fields map[string]reflect.Type, open bool) {
	fields = map[string]reflect.Type{}
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == nil || t.Kind() != reflect.Struct {
		return fields, true
	}
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("mapstructure"), ",")
		switch {
		case name == "-":
		case strings.Contains(opts, "remain"):
			open = true
		case strings.Contains(opts, "squash") || (f.Anonymous && name == "" && f.Type.Kind() == reflect.Struct):
			inner, innerOpen := structFields(f.Type)
			maps.Copy(fields, inner)
			open = open || innerOpen
		case f.IsExported():
			if name == "" {
				name = f.Name
			}
			fields[strings.ToLower(name)] = f.Type
		}
	}
	return fields, open
}

var fileModeType = reflect.TypeFor[FileMode]()

// fileModeHook reads "0660" (and YAML's own octal 0660) into a FileMode.
func fileModeHook(from, to reflect.Type, data any) (any, error) {
	if to != fileModeType || from == fileModeType {
		return data, nil
	}
	return parseFileMode(data)
}
