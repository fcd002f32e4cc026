package config

import "strings"

// restoreCase gives back to viper's merged settings the spelling of the
// file's keys. Viper lower-cases every key, which would break the keys
// that are data rather than field names: attribute maps, realm and
// resolver names. Field names match case-insensitively anyway. Keys that
// come only from the environment stay lower-case; keys viper dropped
// because their value was empty come back.
func restoreCase(merged, original any) any {
	switch m := merged.(type) {
	case map[string]any:
		orig, _ := original.(map[string]any)
		spelled := make(map[string]string, len(orig))
		for k := range orig {
			spelled[strings.ToLower(k)] = k
		}
		out := make(map[string]any, len(m))
		for k, v := range m {
			key := k
			if s, ok := spelled[k]; ok {
				key = s
			}
			out[key] = restoreCase(v, orig[key])
		}
		// Viper drops keys whose value is empty (`kanboard: {}`, `config:`),
		// yet such a key still says something: the dialect is wanted.
		for k, v := range orig {
			if _, ok := m[strings.ToLower(k)]; !ok {
				out[k] = v
			}
		}
		return out
	case []any:
		orig, _ := original.([]any)
		out := make([]any, len(m))
		for i, v := range m {
			var o any
			if i < len(orig) {
				o = orig[i]
			}
			out[i] = restoreCase(v, o)
		}
		return out
	default:
		return merged
	}
}
