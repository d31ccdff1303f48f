//go:build race

package main

// raceEnabled reports whether the race detector is on: its shadow memory grows with every
// allocation and is not returned, so resident-memory checks only mean something without it.
const raceEnabled = true
