/* mandelbrot: f64 escape-time iteration over an n x n grid, at most 200 iterations a point. */
#include "common.h"

EXPORT u64 run(i32 n) {
    u64 total = 0;
    for (i32 py = 0; py < n; py++) {
        double ci = -1.25 + 2.5 * (double)py / (double)n;
        for (i32 px = 0; px < n; px++) {
            double cr = -2.0 + 2.5 * (double)px / (double)n;
            double zr = 0.0, zi = 0.0;
            i32 it = 0;
            while (it < 200) {
                double zr2 = zr * zr, zi2 = zi * zi;
                if (zr2 + zi2 > 4.0) break;
                zi = 2.0 * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                it++;
            }
            total += (u64)it;
        }
    }
    return total;
}
