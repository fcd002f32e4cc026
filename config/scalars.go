package config

import (
	"fmt"
	"reflect"
	"strconv"
	"time"
)

// scalarHook closes the traps of weakly typed decoding, which the
// environment needs (every variable is a string) but which silently turns
// some YAML values into something else:
//
//   - a bare number for a duration is nanoseconds: readTimeout: 30 is 30ns,
//     and every request then times out with an empty reply;
//   - an unquoted number or boolean for a text value is re-printed: a
//     password 0123 becomes "83", 1.10 becomes "1.1", true becomes "1";
//   - a fraction or a boolean for a whole number is truncated or made 0/1.
//
// Each is refused with the spelling that means what was meant.
func scalarHook(from, to reflect.Type, data any) (any, error) {
	if to == durationType {
		return parseDuration(data)
	}
	switch to.Kind() {
	case reflect.String:
		switch from.Kind() {
		case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
			reflect.Float32, reflect.Float64, reflect.Bool:
			return nil, fmt.Errorf("%v is a YAML %s where text is expected: write it in quotes, as it is meant "+
				"(unquoted, 0123 reads as 83 and 1.10 as 1.1)", data, from.Kind())
		}
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		switch v := data.(type) {
		case bool:
			return nil, fmt.Errorf("%v is a boolean where a number is expected", v)
		case float64:
			if v != float64(int64(v)) {
				return nil, fmt.Errorf("%v is not a whole number", v)
			}
		}
	}
	return data, nil
}

// parseDuration reads a duration written with its unit ("30s", "1m30s",
// "250ms"), from the file or the environment. A bare number is refused
// with the fix, whatever unit it was meant in; only 0 ("none", for the
// keys that allow it) needs no unit.
func parseDuration(data any) (any, error) {
	switch v := data.(type) {
	case time.Duration:
		return v, nil
	case string:
		d, err := time.ParseDuration(v)
		if err == nil {
			return d, nil
		}
		if _, numErr := strconv.ParseFloat(v, 64); numErr == nil {
			return nil, bareNumber(v)
		}
		return nil, fmt.Errorf("%q is not a duration: write a number with its unit, e.g. \"30s\", \"250ms\", \"5m\"", v)
	case int, int8, int16, int32, int64, uint, uint8, uint16, uint32, uint64, float32, float64:
		if reflect.ValueOf(v).IsZero() {
			return time.Duration(0), nil
		}
		return nil, bareNumber(fmt.Sprint(v))
	default:
		return nil, fmt.Errorf("%v is not a duration: write a number with its unit, e.g. \"30s\"", v)
	}
}

func bareNumber(n string) error {
	return fmt.Errorf("%s has no unit: write %ss for %s seconds (or %sms, %sm); "+
		"a bare number would be %s nanoseconds", n, n, n, n, n, n)
}
