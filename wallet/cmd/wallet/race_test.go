//go:build race

package main

// raceEnabled: this test binary runs with the race detector, so a command a
// test builds is built with it too, from the same compiled packages.
const raceEnabled = true
