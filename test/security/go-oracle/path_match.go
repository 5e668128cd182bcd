// Oracle for test/security/go-path-match.test.ts: reads JSON [pattern, name]
// pairs, one per line, and prints Go's path.Match verdict for each
// ("true", "false" or "bad-pattern"), one per line.
package main

import (
	"bufio"
	"encoding/json"
	"fmt"
	"os"
	"path"
)

func main() {
	in := bufio.NewScanner(os.Stdin)
	in.Buffer(make([]byte, 1<<20), 1<<20)
	out := bufio.NewWriter(os.Stdout)
	defer out.Flush()
	for in.Scan() {
		var pair [2]string
		if err := json.Unmarshal(in.Bytes(), &pair); err != nil {
			fmt.Fprintln(os.Stderr, err)
			os.Exit(2)
		}
		ok, err := path.Match(pair[0], pair[1])
		switch {
		case err != nil:
			fmt.Fprintln(out, "bad-pattern")
		default:
			fmt.Fprintln(out, ok)
		}
	}
}
