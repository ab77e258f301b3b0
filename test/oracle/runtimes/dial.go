// The ordinary Go client: net.Dial to name:port, which resolves with Go's configured resolver and
// dials the family of the first address first. Prints the lookup order, then the peer's family.
// Without a port it only prints the lookup order; "-sleep" only waits (a process to detect).
package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"time"
)

func main() {
	if os.Args[1] == "-sleep" {
		time.Sleep(time.Minute)
		return
	}
	addrs, err := net.DefaultResolver.LookupIPAddr(context.Background(), os.Args[1])
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(3)
	}
	fmt.Print("lookup")
	for _, a := range addrs {
		fmt.Print(" ", a.IP)
	}
	fmt.Println()
	if len(os.Args) < 3 {
		return
	}
	c, err := net.Dial("tcp", net.JoinHostPort(os.Args[1], os.Args[2]))
	if err != nil {
		fmt.Println("ERR", err)
		os.Exit(3)
	}
	fmt.Println("connected", c.RemoteAddr())
}
