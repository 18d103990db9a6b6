// standin: the e2e tier's stand-in for the application images the local cluster cannot pull.
//
// Serve mode (the image's entrypoint; any arguments it does not know are ignored):
//
//	standin [ARGS...]
//
// listens on every TCP port in $STANDIN_PORTS (comma-separated, set in the image config) and
// every port named in its arguments (`--port N`, `--port=N`, `-p N`, `--listen [HOST]:N`), and
// answers HTTP on any path with 200 and a line naming the pod, the port and the path. A path
// listed in $STANDIN_FAIL_PATHS or in /tmp/standin-fail-paths (one per line, re-read on every
// request) answers 503 instead, so a test can make a probe fail at run time.
//
// Client mode (run inside a pod with `kubectl exec`):
//
//	standin connect HOST PORT [TIMEOUT]   TCP connect; exit 0 when accepted, 1 otherwise
//	standin get URL [TIMEOUT]             HTTP GET; exit 0 on a 2xx answer
//	standin resolve NAME                  DNS lookup through the pod's resolv.conf; exit 0 when it resolves
//	standin fail PATH...                  make PATHs answer 503 (writes /tmp/standin-fail-paths)
//	standin unfail                        clear them
//	standin identity                      print uid, gid, groups and whether / and /tmp are writable (JSON)
//
// `standin connect-proxy SOCKET` is an HTTP CONNECT proxy on a unix socket: the local cluster's
// API server reaches the kubelets in their network namespaces through it (egress selector).
//
// `standin pause` is the pod sandbox's process (the local cluster's pause image): it waits for
// SIGTERM/SIGINT and reaps orphaned children meanwhile.
package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"time"
)

const failFile = "/tmp/standin-fail-paths"

func main() {
	args := os.Args[1:]
	if len(args) > 0 {
		switch args[0] {
		case "connect":
			os.Exit(connect(args[1:]))
		case "get":
			os.Exit(get(args[1:]))
		case "resolve":
			os.Exit(resolve(args[1:]))
		case "fail":
			os.Exit(setFail(args[1:]))
		case "unfail":
			os.Exit(setFail(nil))
		case "identity":
			os.Exit(identity())
		case "pause":
			os.Exit(pause())
		case "connect-proxy":
			os.Exit(connectProxy(args[1:]))
		case "help", "-h", "--help":
			fmt.Println("usage: standin [--port N]... | connect HOST PORT [TIMEOUT] | get URL [TIMEOUT] | resolve NAME | fail PATH... | unfail | identity")
			return
		}
	}
	os.Exit(serve(args))
}

func timeoutArg(args []string, i int) time.Duration {
	if len(args) > i {
		if d, err := time.ParseDuration(args[i]); err == nil {
			return d
		}
	}
	return 3 * time.Second
}

func connect(args []string) int {
	if len(args) < 2 {
		fmt.Fprintln(os.Stderr, "standin connect: HOST PORT [TIMEOUT]")
		return 2
	}
	addr := net.JoinHostPort(args[0], args[1])
	start := time.Now()
	c, err := net.DialTimeout("tcp", addr, timeoutArg(args, 2))
	if err != nil {
		fmt.Printf("refused %s after %s: %v\n", addr, time.Since(start).Round(time.Millisecond), err)
		return 1
	}
	c.Close()
	fmt.Printf("connected %s in %s\n", addr, time.Since(start).Round(time.Millisecond))
	return 0
}

func get(args []string) int {
	if len(args) < 1 {
		fmt.Fprintln(os.Stderr, "standin get: URL [TIMEOUT]")
		return 2
	}
	client := http.Client{Timeout: timeoutArg(args, 1)}
	resp, err := client.Get(args[0])
	if err != nil {
		fmt.Printf("error %s: %v\n", args[0], err)
		return 1
	}
	resp.Body.Close()
	fmt.Printf("%d %s\n", resp.StatusCode, args[0])
	if resp.StatusCode/100 != 2 {
		return 1
	}
	return 0
}

func resolve(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "standin resolve: NAME")
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	addrs, err := net.DefaultResolver.LookupHost(ctx, args[0])
	if err != nil {
		fmt.Printf("unresolved %s: %v\n", args[0], err)
		return 1
	}
	fmt.Printf("resolved %s %s\n", args[0], strings.Join(addrs, ","))
	return 0
}

func setFail(paths []string) int {
	if err := os.WriteFile(failFile, []byte(strings.Join(paths, "\n")+"\n"), 0o644); err != nil {
		fmt.Fprintln(os.Stderr, "standin:", err)
		return 1
	}
	return 0
}

func writable(dir string) bool {
	f, err := os.CreateTemp(dir, ".standin-write-test-")
	if err != nil {
		return false
	}
	name := f.Name()
	f.Close()
	os.Remove(name)
	return true
}

func identity() int {
	groups, _ := os.Getgroups()
	out := map[string]any{
		"uid": os.Getuid(), "gid": os.Getgid(), "groups": groups,
		"rootWritable": writable("/"), "tmpWritable": writable("/tmp"),
	}
	b, _ := json.Marshal(out)
	fmt.Println(string(b))
	return 0
}

func connectProxy(args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(os.Stderr, "standin connect-proxy: SOCKET")
		return 2
	}
	os.Remove(args[0])
	ln, err := net.Listen("unix", args[0])
	if err != nil {
		fmt.Fprintln(os.Stderr, "standin connect-proxy:", err)
		return 1
	}
	os.Chmod(args[0], 0o600)
	srv := &http.Server{ReadHeaderTimeout: 10 * time.Second, Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodConnect {
			http.Error(w, "CONNECT only", http.StatusMethodNotAllowed)
			return
		}
		up, err := net.DialTimeout("tcp", r.Host, 10*time.Second)
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadGateway)
			return
		}
		hj, ok := w.(http.Hijacker)
		if !ok {
			up.Close()
			http.Error(w, "no hijack", http.StatusInternalServerError)
			return
		}
		down, buf, err := hj.Hijack()
		if err != nil {
			up.Close()
			return
		}
		down.Write([]byte("HTTP/1.1 200 Connection established\r\n\r\n"))
		go func() {
			if n := buf.Reader.Buffered(); n > 0 {
				b, _ := buf.Reader.Peek(n)
				up.Write(b)
			}
			io.Copy(up, down)
			up.Close()
		}()
		io.Copy(down, up)
		down.Close()
	})}
	if err := srv.Serve(ln); err != nil {
		fmt.Fprintln(os.Stderr, "standin connect-proxy:", err)
		return 1
	}
	return 0
}

func pause() int {
	signal.Ignore(syscall.SIGCHLD) // children are reaped by the kernel
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	<-sig
	return 0
}

// ports returns the ports to serve: $STANDIN_PORTS plus every port named in args.
func ports(args []string) []int {
	set := map[int]bool{}
	add := func(s string) {
		s = s[strings.LastIndex(s, ":")+1:]
		if p, err := strconv.Atoi(s); err == nil && p > 0 && p < 65536 {
			set[p] = true
		}
	}
	for _, p := range strings.Split(os.Getenv("STANDIN_PORTS"), ",") {
		add(strings.TrimSpace(p))
	}
	for i, a := range args {
		for _, flag := range []string{"--port=", "--listen=", "--bind="} {
			if strings.HasPrefix(a, flag) {
				add(strings.TrimPrefix(a, flag))
			}
		}
		if (a == "--port" || a == "-p" || a == "--listen" || a == "--bind") && i+1 < len(args) {
			add(args[i+1])
		}
	}
	out := make([]int, 0, len(set))
	for p := range set {
		out = append(out, p)
	}
	sort.Ints(out)
	return out
}

func failing(path string) bool {
	list := os.Getenv("STANDIN_FAIL_PATHS")
	if b, err := os.ReadFile(failFile); err == nil {
		list += "\n" + string(b)
	}
	for _, p := range strings.FieldsFunc(list, func(r rune) bool { return r == ',' || r == '\n' }) {
		if strings.TrimSpace(p) == path {
			return true
		}
	}
	return false
}

func serve(args []string) int {
	ps := ports(args)
	if len(ps) == 0 {
		fmt.Fprintln(os.Stderr, "standin: no ports to serve (set STANDIN_PORTS or pass --port N)")
		return 2
	}
	host, _ := os.Hostname()
	errc := make(chan error, len(ps))
	for _, p := range ps {
		port := p
		mux := http.NewServeMux()
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			if failing(r.URL.Path) {
				http.Error(w, fmt.Sprintf("standin %s:%d %s: failing on purpose", host, port, r.URL.Path), http.StatusServiceUnavailable)
				return
			}
			fmt.Fprintf(w, "standin %s:%d %s ok\n", host, port, r.URL.Path)
		})
		ln, err := net.Listen("tcp", fmt.Sprintf(":%d", port))
		if err != nil {
			fmt.Fprintf(os.Stderr, "standin: listen :%d: %v\n", port, err)
			return 1
		}
		srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
		go func() { errc <- srv.Serve(ln) }()
	}
	fmt.Printf("standin %s (%s) serving ports %v, args %q\n", host, filepath.Base(os.Args[0]), ps, args)
	sig := make(chan os.Signal, 1)
	signal.Notify(sig, syscall.SIGTERM, syscall.SIGINT)
	select {
	case s := <-sig:
		fmt.Printf("standin: %v, exiting\n", s)
		return 0
	case err := <-errc:
		if errors.Is(err, http.ErrServerClosed) {
			return 0
		}
		fmt.Fprintln(os.Stderr, "standin:", err)
		return 1
	}
}
