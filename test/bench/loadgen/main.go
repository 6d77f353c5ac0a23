// loadgen: a closed-loop HTTP load generator for test/bench/bench_overload.sh.
//
// wrk records one latency histogram over every answer, so it cannot report the
// latency of successful requests alone once a server sheds load with fast 429s;
// this program keeps the statuses and latencies of each request apart. Standard
// library only, built by bench_overload.sh with the Go toolchain the Dapr build uses.
//
//	loadgen -base URL -mode get|post -c N -d 10s -users FILE [-timeout 10s]
//
// FILE has one "user token" pair a line. Each of the N workers holds one
// keep-alive connection and sends one request at a time; the k-th request of the
// whole run goes to user k mod len(users): GET <base>api/<user>/tasks or POST
// <base>api/<user>/tasks with a small task. It prints one line:
//
//	RESULT ok_rps=.. p50_ms=.. p99_ms=.. ok=.. n429=.. n5xx=.. n4xx=.. errors=.. secs=..
//
// p50/p99 are over 2xx answers only; errors are requests without an HTTP answer
// (connect/read errors, client timeouts).
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type user struct{ id, auth string }

type tally struct {
	okLat                      []float64
	n429, n5xx, n4xx, errs, ok int64
}

// samples keeps the first answer body of each distinct non-2xx status (and the first
// transport error), printed on stderr so a run's 5xx can be told apart.
var samples sync.Map

func main() {
	base := flag.String("base", "", "service-invocation base URL ending in /method/")
	mode := flag.String("mode", "get", "get (list tasks) or post (create a task)")
	conns := flag.Int("c", 16, "connections (workers)")
	dur := flag.Duration("d", 10*time.Second, "duration")
	usersFile := flag.String("users", "", "file of \"user token\" lines")
	timeout := flag.Duration("timeout", 10*time.Second, "per-request timeout")
	flag.Parse()
	if *base == "" || *usersFile == "" || (*mode != "get" && *mode != "post") {
		flag.Usage()
		os.Exit(2)
	}
	users := readUsers(*usersFile)
	tr := &http.Transport{
		MaxIdleConns:        *conns,
		MaxIdleConnsPerHost: *conns,
		MaxConnsPerHost:     *conns,
		DisableCompression:  true,
		DialContext:         (&net.Dialer{Timeout: 5 * time.Second}).DialContext,
	}
	client := &http.Client{Transport: tr, Timeout: *timeout}
	body := `{"title":"overload benchmark","description":"test/bench/bench_overload.sh"}`

	var next int64
	tallies := make([]tally, *conns)
	start := time.Now()
	deadline := start.Add(*dur)
	var wg sync.WaitGroup
	for w := 0; w < *conns; w++ {
		wg.Add(1)
		go func(t *tally) {
			defer wg.Done()
			for time.Now().Before(deadline) {
				u := users[int(atomic.AddInt64(&next, 1)-1)%len(users)]
				var req *http.Request
				if *mode == "get" {
					req, _ = http.NewRequest("GET", *base+"api/"+u.id+"/tasks", nil)
				} else {
					req, _ = http.NewRequest("POST", *base+"api/"+u.id+"/tasks", strings.NewReader(body))
					req.Header.Set("Content-Type", "application/json")
				}
				req.Header.Set("Authorization", u.auth)
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					t.errs++
					samples.LoadOrStore("error", err.Error())
					continue
				}
				var b []byte
				if resp.StatusCode >= 300 {
					b, err = io.ReadAll(io.LimitReader(resp.Body, 300))
					samples.LoadOrStore(resp.StatusCode, string(b))
				}
				if err == nil {
					_, err = io.Copy(io.Discard, resp.Body)
				}
				resp.Body.Close()
				ms := float64(time.Since(t0).Microseconds()) / 1000
				switch {
				case err != nil:
					t.errs++
				case resp.StatusCode < 300:
					t.ok++
					t.okLat = append(t.okLat, ms)
				case resp.StatusCode == 429:
					t.n429++
				case resp.StatusCode >= 500:
					t.n5xx++
				default:
					t.n4xx++
				}
			}
		}(&tallies[w])
	}
	wg.Wait()
	secs := time.Since(start).Seconds()
	var all tally
	for _, t := range tallies {
		all.okLat = append(all.okLat, t.okLat...)
		all.ok += t.ok
		all.n429 += t.n429
		all.n5xx += t.n5xx
		all.n4xx += t.n4xx
		all.errs += t.errs
	}
	sort.Float64s(all.okLat)
	samples.Range(func(k, v any) bool {
		fmt.Fprintf(os.Stderr, "loadgen: first answer with status %v: %s\n", k, v)
		return true
	})
	fmt.Printf("RESULT ok_rps=%.1f p50_ms=%.1f p99_ms=%.1f ok=%d n429=%d n5xx=%d n4xx=%d errors=%d secs=%.1f\n",
		float64(all.ok)/secs, pct(all.okLat, 50), pct(all.okLat, 99), all.ok, all.n429, all.n5xx, all.n4xx,
		all.errs, secs)
}

func pct(sorted []float64, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted))*p/100+0.5) - 1
	if i < 0 {
		i = 0
	}
	if i >= len(sorted) {
		i = len(sorted) - 1
	}
	return sorted[i]
}

func readUsers(path string) []user {
	f, err := os.Open(path)
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	defer f.Close()
	var out []user
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 64<<10), 64<<10)
	for sc.Scan() {
		parts := strings.Fields(sc.Text())
		if len(parts) == 2 {
			out = append(out, user{parts[0], "Bearer " + parts[1]})
		}
	}
	if len(out) == 0 {
		fmt.Fprintln(os.Stderr, "no users in", path)
		os.Exit(2)
	}
	return out
}
