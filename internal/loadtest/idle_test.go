package main

import (
	"reflect"
	"testing"
)

func TestBusyCPUs(t *testing.T) {
	before := map[int]cpuTime{0: {total: 1000, idle: 900}, 1: {total: 1000, idle: 900}}
	tests := []struct {
		name  string
		after map[int]cpuTime
		want  []string
	}{
		{"idle", map[int]cpuTime{0: {1100, 995}, 1: {1100, 1000}}, nil},
		{"one busy", map[int]cpuTime{0: {1100, 940}, 1: {1100, 1000}}, []string{"CPU 0 60%"}},
		{"both busy", map[int]cpuTime{0: {1100, 900}, 1: {1100, 950}}, []string{"CPU 0 100%", "CPU 1 50%"}},
		{"no ticks", map[int]cpuTime{0: {1000, 900}, 1: {1000, 900}}, nil},
	}
	for _, tt := range tests {
		if got := busyCPUs(before, tt.after, []int{0, 1}); !reflect.DeepEqual(got, tt.want) {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
