// Satchel is the learner's wallet app. This file only starts it; everything
// it shows lives in package app.
package main

import (
	"fmt"
	"os"

	"github.com/satchel-wallet/satchel/app"
)

func main() {
	if err := app.Run(os.Getenv); err != nil {
		fmt.Fprintln(os.Stderr, "satchel:", err)
		os.Exit(1)
	}
}
