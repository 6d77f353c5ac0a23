module todod/bench/loadgen

go 1.22
