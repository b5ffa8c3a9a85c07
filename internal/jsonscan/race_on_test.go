//go:build race

package jsonscan

// raceEnabled skips TestDocumentHuge under the race detector, whose shadow
// of its 2 GiB input would take several times that; it runs without it.
const raceEnabled = true
