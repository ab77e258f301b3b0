// The ordinary Go client: net.Dial to name:port, which resolves with Go's configured resolver and
// dials the family of the first address first. Prints the lookup order, then the peer's family.
// Without a port it only prints the lookup order; "-sleep" only waits (a process to detect). With a
// count after the port it dials that many times, prints "held" and keeps them open until killed.
package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
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
	count := 1
	if len(os.Args) > 3 {
		count, _ = strconv.Atoi(os.Args[3])
	}
	held := []net.Conn{}
	for i := 0; i < count; i++ {
		c, err := net.Dial("tcp", net.JoinHostPort(os.Args[1], os.Args[2]))
		if err != nil {
			fmt.Println("ERR", err)
			os.Exit(3)
		}
		fmt.Println("connected", c.RemoteAddr())
		held = append(held, c)
	}
	if len(os.Args) > 3 {
		fmt.Println("held")
		time.Sleep(24 * time.Hour)
	}
}
