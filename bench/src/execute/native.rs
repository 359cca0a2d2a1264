//! The kernels of `bench/kernels/`, written in Rust and compiled natively: the physical limit the
//! engines are compared with. Each follows its wasm source operation for operation (same
//! wrapping integer arithmetic, same order of floating-point operations), so the checksums match
//! bit for bit. Small functions the wasm calls are `#[inline(never)]` here too, so the call
//! kernels still make calls; everything else is left to the optimizer.

use std::hint::black_box;

#[inline(never)]
fn fib_rec(n: u32) -> u32 {
    if n < 2 {
        n
    } else {
        fib_rec(n - 1).wrapping_add(fib_rec(n - 2))
    }
}

pub fn fib(n: i32) -> i64 {
    fib_rec(n as u32) as i64
}

#[inline(never)]
fn inc(x: u32) -> u32 {
    x.wrapping_add(1)
}

#[inline(never)]
fn mix(a: u32, b: u32) -> u32 {
    a.wrapping_mul(0x9E3779B1) ^ b
}

#[inline(never)]
fn step(acc: u32, i: u32) -> u32 {
    mix(inc(acc), i)
}

pub fn calls(n: i32) -> i64 {
    let mut acc = 0u32;
    for i in 0..n as u32 {
        acc = step(acc, i);
    }
    acc as i64
}

fn op_add(a: u32, b: u32) -> u32 {
    a.wrapping_add(b)
}
fn op_xor(a: u32, b: u32) -> u32 {
    a ^ b.wrapping_add(0x5bd1e995)
}
fn op_mul(a: u32, _b: u32) -> u32 {
    (a | 1).wrapping_mul(0x01000193)
}
fn op_rot(a: u32, b: u32) -> u32 {
    a.rotate_left(b & 31)
}

pub fn indirect(n: i32) -> i64 {
    // black_box: the table is opaque to the optimizer, as a wasm table is.
    let table: [fn(u32, u32) -> u32; 4] = black_box([op_add, op_xor, op_mul, op_rot]);
    let mut acc = 1u32;
    for i in 0..n as u32 {
        acc = table[((i ^ (acc >> 7)) & 3) as usize](acc, i);
    }
    acc as i64
}

pub fn loops(n: i32) -> i64 {
    let mut acc = 1u32;
    let mut side = 0u32;
    for i in 0..n {
        for j in 0..n {
            acc = (acc ^ (i.wrapping_mul(j) as u32)).wrapping_mul(16777619).wrapping_add(j as u32);
            if acc & 0x100 != 0 {
                side = side.wrapping_add(acc >> 20);
            }
        }
    }
    (((side as u64) << 32) | acc as u64) as i64
}

pub fn sieve(n: i32) -> i64 {
    const LIMIT: usize = 2_000_000;
    let mut composite = vec![0u8; LIMIT + 1];
    let mut total = 0u64;
    for _ in 0..n {
        composite.fill(0);
        let mut count = 0u32;
        for i in 2..=LIMIT {
            if composite[i] != 0 {
                continue;
            }
            count += 1;
            let mut k = i * 2;
            while k <= LIMIT {
                composite[k] = 1;
                k += i;
            }
        }
        total = total.wrapping_mul(31).wrapping_add(count as u64);
    }
    total as i64
}

pub fn matmul(n: i32) -> i64 {
    let n = n.min(256) as usize;
    let mut a = vec![0u32; n * n];
    let mut b = vec![0u32; n * n];
    let mut c = vec![0u32; n * n];
    for i in 0..n * n {
        a[i] = (i as u32).wrapping_mul(2654435761) >> 7;
        b[i] = ((i as u32) ^ 0x5555).wrapping_mul(40503).wrapping_add(17);
    }
    for i in 0..n {
        for k in 0..n {
            let aik = a[i * n + k];
            let (row, brow) = (&mut c[i * n..i * n + n], &b[k * n..k * n + n]);
            for (cj, bj) in row.iter_mut().zip(brow) {
                *cj = cj.wrapping_add(aik.wrapping_mul(*bj));
            }
        }
    }
    let mut sum = 0u64;
    for &v in &c {
        sum = (sum ^ v as u64).wrapping_mul(1099511628211);
    }
    sum as i64
}

pub fn memcpy(n: i32) -> i64 {
    const WORDS: usize = 8192;
    let mut x: Vec<u64> = (0..WORDS as u64).map(|i| i.wrapping_mul(0x9E3779B97F4A7C15)).collect();
    let mut y = vec![0u64; WORDS];
    let mut sum = 0u64;
    for r in 0..n as u32 {
        y.copy_from_slice(black_box(&x));
        y[r as usize % WORDS] = y[r as usize % WORDS].wrapping_add(r as u64);
        x.copy_from_slice(black_box(&y));
        sum = sum.wrapping_add(x[(r.wrapping_mul(7)) as usize % WORDS]);
    }
    sum as i64
}

pub fn mandelbrot(n: i32) -> i64 {
    let mut total = 0u64;
    for py in 0..n {
        let ci = -1.25 + 2.5 * py as f64 / n as f64;
        for px in 0..n {
            let cr = -2.0 + 2.5 * px as f64 / n as f64;
            let (mut zr, mut zi) = (0.0f64, 0.0f64);
            let mut it = 0;
            while it < 200 {
                let (zr2, zi2) = (zr * zr, zi * zi);
                if zr2 + zi2 > 4.0 {
                    break;
                }
                zi = 2.0 * zr * zi + ci;
                zr = zr2 - zi2 + cr;
                it += 1;
            }
            total += it as u64;
        }
    }
    total as i64
}

#[derive(Clone, Copy)]
struct Body {
    x: f64,
    y: f64,
    z: f64,
    vx: f64,
    vy: f64,
    vz: f64,
    mass: f64,
}

pub fn nbody(n: i32) -> i64 {
    const PI: f64 = 3.141592653589793;
    const SOLAR_MASS: f64 = 4.0 * PI * PI;
    const DPY: f64 = 365.24;
    let mut b = [
        Body { x: 0.0, y: 0.0, z: 0.0, vx: 0.0, vy: 0.0, vz: 0.0, mass: SOLAR_MASS },
        Body {
            x: 4.84143144246472090e+00,
            y: -1.16032004402742839e+00,
            z: -1.03622044471123109e-01,
            vx: 1.66007664274403694e-03 * DPY,
            vy: 7.69901118419740425e-03 * DPY,
            vz: -6.90460016972063023e-05 * DPY,
            mass: 9.54791938424326609e-04 * SOLAR_MASS,
        },
        Body {
            x: 8.34336671824457987e+00,
            y: 4.12479856412430479e+00,
            z: -4.03523417114321381e-01,
            vx: -2.76742510726862411e-03 * DPY,
            vy: 4.99852801234917238e-03 * DPY,
            vz: 2.30417297573763929e-05 * DPY,
            mass: 2.85885980666130812e-04 * SOLAR_MASS,
        },
        Body {
            x: 1.28943695621391310e+01,
            y: -1.51111514016986312e+01,
            z: -2.23307578892655734e-01,
            vx: 2.96460137564761618e-03 * DPY,
            vy: 2.37847173959480950e-03 * DPY,
            vz: -2.96589568540237556e-05 * DPY,
            mass: 4.36624404335156298e-05 * SOLAR_MASS,
        },
        Body {
            x: 1.53796971148509165e+01,
            y: -2.59193146099879641e+01,
            z: 1.79258772950371181e-01,
            vx: 2.68067772490389322e-03 * DPY,
            vy: 1.62824170038242295e-03 * DPY,
            vz: -9.51592254519715870e-05 * DPY,
            mass: 5.15138902046611451e-05 * SOLAR_MASS,
        },
    ];
    let (mut px, mut py, mut pz) = (0.0, 0.0, 0.0);
    for bi in &b {
        px += bi.vx * bi.mass;
        py += bi.vy * bi.mass;
        pz += bi.vz * bi.mass;
    }
    b[0].vx = -px / SOLAR_MASS;
    b[0].vy = -py / SOLAR_MASS;
    b[0].vz = -pz / SOLAR_MASS;
    let dt = 0.01;
    for _ in 0..n {
        for i in 0..5 {
            for j in i + 1..5 {
                let (dx, dy, dz) = (b[i].x - b[j].x, b[i].y - b[j].y, b[i].z - b[j].z);
                let d2 = dx * dx + dy * dy + dz * dz;
                let mag = dt / (d2 * d2.sqrt());
                let (mi, mj) = (b[i].mass, b[j].mass);
                b[i].vx -= dx * mj * mag;
                b[i].vy -= dy * mj * mag;
                b[i].vz -= dz * mj * mag;
                b[j].vx += dx * mi * mag;
                b[j].vy += dy * mi * mag;
                b[j].vz += dz * mi * mag;
            }
        }
        for bi in b.iter_mut() {
            bi.x += dt * bi.vx;
            bi.y += dt * bi.vy;
            bi.z += dt * bi.vz;
        }
    }
    let mut e = 0.0;
    for i in 0..5 {
        let bi = b[i];
        e += 0.5 * bi.mass * (bi.vx * bi.vx + bi.vy * bi.vy + bi.vz * bi.vz);
        for bj in &b[i + 1..] {
            let (dx, dy, dz) = (bi.x - bj.x, bi.y - bj.y, bi.z - bj.z);
            e -= bi.mass * bj.mass / (dx * dx + dy * dy + dz * dz).sqrt();
        }
    }
    e.to_bits() as i64
}

pub fn simd(n: i32) -> i64 {
    const LEN: usize = 4096;
    let a: Vec<f32> = (0..LEN as u32).map(|i| (i % 17) as f32 * 0.5).collect();
    let b: Vec<f32> = (0..LEN as u32).map(|i| (i % 13) as f32 - 6.0).collect();
    let mut total = 0.0f64;
    for _ in 0..n {
        let mut acc = [0.0f32; 4];
        for (ca, cb) in black_box(&a).chunks_exact(4).zip(black_box(&b).chunks_exact(4)) {
            for l in 0..4 {
                acc[l] += ca[l] * cb[l];
            }
        }
        for l in acc {
            total += l as f64;
        }
    }
    total.to_bits() as i64
}
