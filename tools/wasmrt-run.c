/* wasmrt-run: runs a WASI command (or reactor), or calls one exported function of a module, with
 * wasmrt, using only the public headers (wasm.h, wasi.h, wasmrt.h).
 *
 *   wasmrt-run [OPTIONS] [--] module.wasm [ARGS...]
 *   wasmrt-run [OPTIONS] --invoke NAME [--] module.wasm [FUNCTION ARGS...]
 *
 * Options come before the module; everything after it belongs to the program (its arguments) or,
 * with --invoke, to the function, so an argument like -1 is never taken for an option. Options
 * (each value also as --OPTION=VALUE; `usage` below has one line per option):
 *   --dir HOST[::GUEST]  preopen HOST, seen by the program as GUEST (default HOST); read-write
 *   --env NAME[=VALUE]   an environment variable (NAME alone: the host's value, if set); the
 *                        program sees no others
 *   --invoke NAME        instead of running _start, call the exported function NAME with the ARGS
 *                        parsed by its parameter types (i32/i64: decimal or 0x hexadecimal,
 *                        optionally negative; f32/f64: decimal, hexadecimal, nan, nan:0xPAYLOAD,
 *                        inf, -inf) and print each result on a line of its own (integers in
 *                        signed decimal, floats in the shortest form that reads back exactly). For
 *                        a reactor (exports _initialize) _initialize runs first. The program's
 *                        arguments are then module.wasm alone.
 *   --fuel N             count fuel: the run gets N units and ends when they are spent
 *   --timeout DURATION   interrupt the run (instantiation included) after DURATION: 500ms, 2s,
 *                        1.5m, 1h; a plain number is seconds. A watcher thread calls
 *                        wasmrt_interrupt; if the program is blocked in a host call (reading a
 *                        pipe) and has not stopped a second later, it ends the process.
 *   --max-memory SIZE    cap every linear memory at SIZE bytes (K, M, G or KiB, MiB, GiB: powers
 *                        of 1024), rounded down to whole 64 KiB pages: a larger minimum fails to
 *                        instantiate, memory.grow beyond it returns -1
 *   --stdin FILE         the program's standard input is FILE (default: the host's)
 *   --tier interp|jit    the execution tier: the interpreter, or compiled code (x86_64; a module
 *                        the compiler cannot handle runs interpreted). Default: the library's
 *                        (the interpreter, or the tier the environment variable WASMRT_TIER names)
 *   --version            print "wasmrt-run VERSION" (the project's, from the build)
 *   -h, --help           print the usage, every option and the exit statuses
 * The program gets the host's standard output and error.
 *
 * Exit status: the program's (0 when _start returns, else the proc_exit status, modulo 256), 0
 * after --invoke returns; 124 when --timeout interrupts it; 125 when wasmrt-run cannot run it
 * (bad usage, unreadable, malformed or invalid module, unknown import, failed instantiation,
 * unavailable tier, --invoke of a missing function or with wrong arguments), with the reason on
 * stderr; 134 when it traps; 152 when --fuel runs out. For 124, 134 and 152 the reason and a
 * backtrace go to stderr, where a run of frames repeating one function (or a cycle of up to four)
 * is printed as a few frames and a "... N more frames of" line.
 */
#define _POSIX_C_SOURCE 200809L

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "wasi.h"
#include "wasm.h"
#include "wasmrt.h"

#ifndef WASMRT_RUN_VERSION
#define WASMRT_RUN_VERSION "unknown"
#endif

#define EXIT_TIMEOUT 124 /* as GNU timeout(1) */
#define EXIT_RUNNER_ERROR 125
#define EXIT_TRAP 134        /* 128 + SIGABRT, as wasmtime */
#define EXIT_OUT_OF_FUEL 152 /* 128 + SIGXCPU, a process over its CPU time limit */

#define PAGE_SIZE 65536

/* How long --timeout waits for a program blocked in a host call to notice the interruption
 * before it ends the process. */
#define TIMEOUT_GRACE_SECONDS 1

static const char* usage =
    "usage: wasmrt-run [OPTIONS] [--] module.wasm [ARGS...]\n"
    "       wasmrt-run [OPTIONS] --invoke NAME [--] module.wasm [FUNCTION ARGS...]\n"
    "Runs a WASI command (its _start), or calls one exported function and prints its results.\n"
    "Options go before the module; what follows it is the program's or the function's arguments.\n"
    "\n"
    "Options (a value may also be given as --OPTION=VALUE):\n"
    "  --dir HOST[::GUEST]   preopen directory HOST, seen as GUEST (default HOST); repeatable\n"
    "  --env NAME[=VALUE]    set an environment variable (NAME alone: the host's value); repeatable\n"
    "  --invoke NAME         call export NAME with the arguments after the module, print its results\n"
    "  --fuel N              run with N units of fuel; running out ends the run (status 152)\n"
    "  --timeout DURATION    interrupt the run after DURATION: 500ms, 2s, 1m, 1h, N seconds (status 124)\n"
    "  --max-memory SIZE     cap each memory at SIZE bytes (suffix K, M, G, KiB, MiB, GiB), in 64 KiB pages\n"
    "  --stdin FILE          read standard input from FILE (default: the host's)\n"
    "  --tier interp|jit     execution tier: interpreter or compiled code (default: jit on\n"
    "                        x86_64, else interp, or the tier WASMRT_TIER names)\n"
    "  --version             print the version and exit\n"
    "  -h, --help            print this help and exit\n"
    "  --                    end of the options\n"
    "--invoke takes integers in decimal or 0x hexadecimal, floats also as nan, nan:0xPAYLOAD, inf,\n"
    "-inf, and prints one result a line; a reactor's _initialize runs first, _start never does.\n"
    "\n"
    "Exit status:\n"
    "  0-255  the program's: 0 when _start returns, else the status it passed to proc_exit;\n"
    "         0 when the --invoke'd function returns\n"
    "  124    --timeout interrupted the run\n"
    "  125    wasmrt-run could not run it (bad usage or arguments, unreadable, malformed or\n"
    "         invalid module, unknown import, failed instantiation)\n"
    "  134    the program trapped (message and backtrace on stderr)\n"
    "  152    the --fuel ran out\n";

static int runner_error(const char* fmt, const char* arg) {
  fprintf(stderr, "wasmrt-run: ");
  fprintf(stderr, fmt, arg);
  fprintf(stderr, "\n");
  return EXIT_RUNNER_ERROR;
}

/* ---- Parsing option values and function arguments ------------------------------------------ */

/* Parses a decimal or 0x-prefixed hexadecimal integer with an optional sign. */
static int parse_integer(const char* s, int* negative, uint64_t* magnitude) {
  *negative = 0;
  if (*s == '-' || *s == '+') *negative = *s++ == '-';
  int base = 10;
  if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
    base = 16;
    s += 2;
  }
  if (!(base == 16 ? isxdigit((unsigned char)*s) : isdigit((unsigned char)*s))) return 0;
  char* end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, base);
  if (errno != 0 || *end != '\0') return 0;
  *magnitude = v;
  return 1;
}

static int parse_u64(const char* s, uint64_t* out) {
  int negative;
  return parse_integer(s, &negative, out) && !negative;
}

/* A duration: a non-negative number with an optional unit ms, s, m or h (default s). */
static int parse_duration(const char* s, struct timespec* out) {
  if (!isdigit((unsigned char)*s) && *s != '.') return 0;
  char* end;
  errno = 0;
  double v = strtod(s, &end);
  double unit = 1;
  if (strcmp(end, "ms") == 0) unit = 1e-3;
  else if (strcmp(end, "m") == 0) unit = 60;
  else if (strcmp(end, "h") == 0) unit = 3600;
  else if (strcmp(end, "s") != 0 && *end != '\0') return 0;
  double secs = v * unit;
  if (errno != 0 || !(secs >= 0) || secs > 1e9) return 0;
  out->tv_sec = (time_t)secs;
  out->tv_nsec = (long)((secs - (double)out->tv_sec) * 1e9);
  return 1;
}

/* A size in bytes with an optional suffix K, M, G, KiB, MiB or GiB (powers of 1024). */
static int parse_size(const char* s, uint64_t* out) {
  if (!isdigit((unsigned char)*s)) return 0;
  char* end;
  errno = 0;
  unsigned long long v = strtoull(s, &end, 10);
  int shift = 0;
  if (strcasecmp(end, "K") == 0 || strcmp(end, "KiB") == 0) shift = 10;
  else if (strcasecmp(end, "M") == 0 || strcmp(end, "MiB") == 0) shift = 20;
  else if (strcasecmp(end, "G") == 0 || strcmp(end, "GiB") == 0) shift = 30;
  else if (*end != '\0') return 0;
  if (errno != 0 || v > (UINT64_MAX >> shift)) return 0;
  *out = (uint64_t)v << shift;
  return 1;
}

/* A NaN written nan, -nan or nan:0xPAYLOAD (as in the text format), with `payload_bits` bits of
 * payload; false if `s` is not a NaN or its payload is out of range. */
static int parse_nan(const char* s, int payload_bits, int* negative, uint64_t* payload) {
  *negative = 0;
  if (*s == '-' || *s == '+') *negative = *s++ == '-';
  if (strncasecmp(s, "nan", 3) != 0) return 0;
  *payload = (uint64_t)1 << (payload_bits - 1); /* the canonical NaN */
  if (s[3] == '\0') return 1;
  int sign;
  return s[3] == ':' && strncasecmp(s + 4, "0x", 2) == 0 && parse_integer(s + 4, &sign, payload) && !sign &&
         *payload != 0 && *payload < ((uint64_t)1 << payload_bits);
}

/* Parses `s` as a value of `kind` into `out`. */
static int parse_value(wasm_valkind_t kind, const char* s, wasm_val_t* out) {
  int negative;
  uint64_t magnitude;
  out->kind = kind;
  switch (kind) {
    case WASM_I32:
      if (!parse_integer(s, &negative, &magnitude) || magnitude > (negative ? (uint64_t)1 << 31 : UINT32_MAX))
        return 0;
      out->of.i32 = (int32_t)(negative ? 0u - (uint32_t)magnitude : (uint32_t)magnitude);
      return 1;
    case WASM_I64:
      if (!parse_integer(s, &negative, &magnitude) || (negative && magnitude > (uint64_t)1 << 63)) return 0;
      out->of.i64 = (int64_t)(negative ? 0u - magnitude : magnitude);
      return 1;
    case WASM_F32:
    case WASM_F64: {
      int f32 = kind == WASM_F32;
      if (parse_nan(s, f32 ? 23 : 52, &negative, &magnitude)) {
        if (f32) {
          uint32_t bits = (negative ? 0x80000000u : 0) | 0x7f800000u | (uint32_t)magnitude;
          memcpy(&out->of.f32, &bits, sizeof bits);
        } else {
          uint64_t bits = (negative ? (uint64_t)1 << 63 : 0) | 0x7ff0000000000000u | magnitude;
          memcpy(&out->of.f64, &bits, sizeof bits);
        }
        return 1;
      }
      if (*s == '\0' || isspace((unsigned char)*s) || strchr(s, '(')) return 0;
      char* end;
      if (f32) out->of.f32 = strtof(s, &end);
      else out->of.f64 = strtod(s, &end);
      return *end == '\0';
    }
    default:
      return 0;
  }
}

static const char* kind_name(wasm_valkind_t kind) {
  switch (kind) {
    case WASM_I32: return "i32";
    case WASM_I64: return "i64";
    case WASM_F32: return "f32";
    case WASM_F64: return "f64";
    case WASMRT_V128: return "v128";
    case WASM_EXTERNREF: return "externref";
    case WASM_FUNCREF: return "funcref";
    default: return "unknown";
  }
}

/* Prints a float so that it reads back as the same bits: the fewest significant digits that do,
 * nan (or nan:0xPAYLOAD for a non-canonical NaN), inf. */
static void print_float(double v, int f32, uint64_t bits) {
  if (isnan(v)) {
    int payload_bits = f32 ? 23 : 52;
    uint64_t payload = bits & (((uint64_t)1 << payload_bits) - 1);
    printf("%snan", bits >> (f32 ? 31 : 63) ? "-" : "");
    if (payload != (uint64_t)1 << (payload_bits - 1)) printf(":0x%" PRIx64, payload);
    printf("\n");
    return;
  }
  char text[40];
  for (int digits = 1; digits <= 17; digits++) {
    snprintf(text, sizeof text, "%.*g", digits, v);
    if (f32 ? strtof(text, NULL) == (float)v : strtod(text, NULL) == v) break;
  }
  printf("%s\n", text);
}

static void print_value(const wasm_val_t* v) {
  switch (v->kind) {
    case WASM_I32: printf("%" PRId32 "\n", v->of.i32); break;
    case WASM_I64: printf("%" PRId64 "\n", v->of.i64); break;
    case WASM_F32: {
      uint32_t bits;
      memcpy(&bits, &v->of.f32, sizeof bits);
      print_float(v->of.f32, 1, bits);
      break;
    }
    case WASM_F64: {
      uint64_t bits;
      memcpy(&bits, &v->of.f64, sizeof bits);
      print_float(v->of.f64, 0, bits);
      break;
    }
    default:
      if (v->of.ref) printf("<%s>\n", kind_name(v->kind));
      else printf("null\n");
      break;
  }
}

/* ---- Module files, traps and backtraces ---------------------------------------------------- */

/* Reads a whole file into `out`; false (errno set) if it cannot. */
static int read_file(const char* path, wasm_byte_vec_t* out) {
  FILE* f = fopen(path, "rb");
  if (!f) return 0;
  long size = -1;
  if (fseek(f, 0, SEEK_END) == 0) size = ftell(f);
  if (size < 0 || fseek(f, 0, SEEK_SET) != 0) {
    fclose(f);
    return 0;
  }
  wasm_byte_vec_new_uninitialized(out, (size_t)size);
  if ((size_t)size != out->size || fread(out->data, 1, out->size, f) != out->size) {
    int e = ferror(f) ? errno : ENOMEM;
    wasm_byte_vec_delete(out);
    fclose(f);
    errno = e;
    return 0;
  }
  fclose(f);
  return 1;
}

/* Writes n with a comma between groups of three digits: 9,990. */
static void print_count(size_t n) {
  if (n >= 1000) {
    print_count(n / 1000);
    fprintf(stderr, ",%03zu", n % 1000);
  } else {
    fprintf(stderr, "%zu", n);
  }
}

/* Writes a frame's function: func[INDEX] MODULE!NAME (or <unnamed>). */
static void print_frame_func(const wasm_frame_t* frame) {
  wasm_name_t func, module;
  wasmrt_frame_func_name(frame, &func);
  wasmrt_frame_module_name(frame, &module);
  fprintf(stderr, "func[%u] ", wasm_frame_func_index(frame));
  if (module.size > 1) fprintf(stderr, "%s!", module.data);
  fprintf(stderr, "%s", func.size > 1 ? func.data : "<unnamed>");
  wasm_byte_vec_delete(&func);
  wasm_byte_vec_delete(&module);
}

/* Frames of a run of repetitions shown before the "... N more frames" line: three of one
 * function, two rounds of a longer cycle. A run is collapsed when that hides at least
 * COLLAPSE_MIN frames. */
#define MAX_CYCLE 4
#define COLLAPSE_MIN 3

static size_t shown_of_run(size_t period) {
  return period == 1 ? 3 : 2 * period;
}

/* Whether frames [a, a+n) and [b, b+n) are the same functions (the runner has one module). */
static int same_funcs(const wasm_frame_vec_t* frames, size_t a, size_t b, size_t n) {
  for (size_t k = 0; k < n; k++)
    if (wasm_frame_func_index(frames->data[a + k]) != wasm_frame_func_index(frames->data[b + k])) return 0;
  return 1;
}

/* The run of repetitions starting at frame `i` worth collapsing: its cycle length (0 if none)
 * and its length in frames (whole cycles). The shortest cycle wins. */
static size_t find_run(const wasm_frame_vec_t* frames, size_t i, size_t* run) {
  for (size_t period = 1; period <= MAX_CYCLE; period++) {
    size_t len = period;
    while (i + len + period <= frames->size && same_funcs(frames, i, i + len, period)) len += period;
    if (len >= shown_of_run(period) + COLLAPSE_MIN) {
      *run = len;
      return period;
    }
  }
  return 0;
}

/* Prints a trap's backtrace, innermost frame first, collapsing runs of repeated frames. */
static void print_backtrace(const wasm_trap_t* trap) {
  wasm_frame_vec_t frames;
  wasm_trap_trace(trap, &frames);
  size_t i = 0;
  while (i < frames.size) {
    size_t run = 0, period = find_run(&frames, i, &run);
    size_t show = period ? shown_of_run(period) : 1;
    for (size_t k = i; k < i + show; k++) {
      fprintf(stderr, "  %zu: ", k);
      print_frame_func(frames.data[k]);
      fprintf(stderr, " at offset 0x%zx\n", wasm_frame_module_offset(frames.data[k]));
    }
    if (period) {
      fprintf(stderr, "  ... ");
      print_count(run - show);
      fprintf(stderr, " more frames of %s", period == 1 ? "" : "the cycle ");
      for (size_t k = i; k < i + period; k++) {
        if (k > i) fprintf(stderr, ", ");
        print_frame_func(frames.data[k]);
      }
      fprintf(stderr, "\n");
      i += run;
    } else {
      i++;
    }
  }
  wasm_frame_vec_delete(&frames);
}

static void print_trap_message(const char* module_path, const char* what, const wasm_trap_t* trap) {
  wasm_message_t message;
  wasm_trap_message(trap, &message);
  fprintf(stderr, "wasmrt-run: %s: %s%.*s\n", module_path, what, (int)(message.size ? message.size - 1 : 0),
          message.data ? message.data : "");
  wasm_byte_vec_delete(&message);
}

/* What the run's options were, for the messages of traps they cause. */
typedef struct options_t {
  const char** dirs;
  const char** env;
  size_t ndirs, nenv;
  const char* tier;
  const char* invoke;
  const char* fuel_text;
  uint64_t fuel;
  const char* timeout_text;
  struct timespec timeout;
  const char* max_memory_text;
  uint64_t max_memory_pages;
  const char* stdin_path;
} options_t;

/* "timed out after 2s" (a plain number of seconds gets its "s"). */
static void print_timeout(const char* module_path, const char* timeout_text, const char* more) {
  int plain = isdigit((unsigned char)timeout_text[strlen(timeout_text) - 1]);
  fprintf(stderr, "wasmrt-run: %s: timed out after %s%s%s\n", module_path, timeout_text, plain ? "s" : "", more);
}

/* Reports a trap from running the program and returns the exit status it calls for. */
static int report_trap(const char* module_path, const options_t* o, const wasm_trap_t* trap) {
  int status;
  if (wasmrt_trap_exit_status(trap, &status)) return status; /* proc_exit */
  switch (wasmrt_trap_code(trap)) {
    case WASMRT_TRAP_OUT_OF_FUEL:
      fprintf(stderr, "wasmrt-run: %s: out of fuel (%" PRIu64 " units)\n", module_path, o->fuel);
      status = EXIT_OUT_OF_FUEL;
      break;
    case WASMRT_TRAP_INTERRUPTED:
      print_timeout(module_path, o->timeout_text, "");
      status = EXIT_TIMEOUT;
      break;
    default:
      print_trap_message(module_path, "trap: ", trap);
      status = EXIT_TRAP;
      break;
  }
  print_backtrace(trap);
  return status;
}

/* ---- --timeout: a thread that interrupts the store when the time is up ---------------------- */

typedef struct watcher_t {
  const char* module_path;
  const char* timeout_text;
  pthread_t thread;
  pthread_mutex_t mutex;
  pthread_cond_t stop;
  int stopped;
  struct timespec deadline; /* CLOCK_MONOTONIC */
  wasmrt_interrupt_handle_t* handle;
} watcher_t;

/* Waits until the watcher is stopped or `deadline` passes; true if it was stopped. */
static int wait_for_stop(watcher_t* w, const struct timespec* deadline) {
  int rc = 0;
  while (!w->stopped && rc != ETIMEDOUT) rc = pthread_cond_timedwait(&w->stop, &w->mutex, deadline);
  return w->stopped;
}

static void* watch(void* arg) {
  watcher_t* w = arg;
  pthread_mutex_lock(&w->mutex);
  if (!wait_for_stop(w, &w->deadline)) {
    wasmrt_interrupt(w->handle);
    /* Wasm code stops at its next loop iteration or call, but a program blocked in a host call
     * (reading a pipe or terminal) notices only when the call returns: give it a moment, then
     * end the process. */
    struct timespec grace = w->deadline;
    grace.tv_sec += TIMEOUT_GRACE_SECONDS;
    if (!wait_for_stop(w, &grace)) {
      print_timeout(w->module_path, w->timeout_text, " (blocked in a host call)");
      _exit(EXIT_TIMEOUT);
    }
  }
  pthread_mutex_unlock(&w->mutex);
  return NULL;
}

/* Starts a watcher that interrupts `store` after `timeout`; false if no thread could start. */
static int watcher_start(watcher_t* w, wasm_store_t* store, const char* module_path, const options_t* o) {
  struct timespec timeout = o->timeout;
  w->module_path = module_path;
  w->timeout_text = o->timeout_text;
  pthread_condattr_t attr;
  pthread_condattr_init(&attr);
  pthread_condattr_setclock(&attr, CLOCK_MONOTONIC);
  pthread_cond_init(&w->stop, &attr);
  pthread_condattr_destroy(&attr);
  pthread_mutex_init(&w->mutex, NULL);
  w->stopped = 0;
  w->handle = wasmrt_interrupt_handle_new(store);
  clock_gettime(CLOCK_MONOTONIC, &w->deadline);
  w->deadline.tv_sec += timeout.tv_sec;
  w->deadline.tv_nsec += timeout.tv_nsec;
  if (w->deadline.tv_nsec >= 1000000000L) {
    w->deadline.tv_sec++;
    w->deadline.tv_nsec -= 1000000000L;
  }
  if (pthread_create(&w->thread, NULL, watch, w) == 0) return 1;
  wasmrt_interrupt_handle_delete(w->handle);
  pthread_cond_destroy(&w->stop);
  pthread_mutex_destroy(&w->mutex);
  return 0;
}

static void watcher_stop(watcher_t* w) {
  pthread_mutex_lock(&w->mutex);
  w->stopped = 1;
  pthread_cond_signal(&w->stop);
  pthread_mutex_unlock(&w->mutex);
  pthread_join(w->thread, NULL);
  wasmrt_interrupt_handle_delete(w->handle);
  pthread_cond_destroy(&w->stop);
  pthread_mutex_destroy(&w->mutex);
}

/* ---- Exports and --invoke -------------------------------------------------------------------- */

/* The instance's exported function `name` (borrowed from `exports`, the instance's exports), NULL
 * if there is none; *exported is set if `name` is exported as something else. */
static wasm_func_t* find_func(const wasm_module_t* module, const wasm_extern_vec_t* exports, const char* name,
                              int* exported) {
  wasm_exporttype_vec_t types;
  wasm_module_exports(module, &types);
  wasm_func_t* found = NULL;
  size_t len = strlen(name);
  for (size_t i = 0; i < types.size && i < exports->size; i++) {
    const wasm_name_t* n = wasm_exporttype_name(types.data[i]);
    if (n->size == len && memcmp(n->data, name, len) == 0) {
      *exported = 1;
      found = wasm_extern_as_func(exports->data[i]);
      break;
    }
  }
  wasm_exporttype_vec_delete(&types);
  return found;
}

/* Whether the module exports a function named `name`. */
static int exports_func(const wasm_module_t* module, const char* name) {
  wasm_exporttype_vec_t exports;
  wasm_module_exports(module, &exports);
  int found = 0;
  size_t len = strlen(name);
  for (size_t i = 0; i < exports.size; i++) {
    const wasm_name_t* n = wasm_exporttype_name(exports.data[i]);
    if (wasm_externtype_kind(wasm_exporttype_type(exports.data[i])) == WASM_EXTERN_FUNC && n->size == len &&
        memcmp(n->data, name, len) == 0)
      found = 1;
  }
  wasm_exporttype_vec_delete(&exports);
  return found;
}

/* Writes a function's parameter types, " (i32, f64)", to stderr. */
static void print_types(const wasm_valtype_vec_t* types) {
  fprintf(stderr, " (");
  for (size_t k = 0; k < types->size; k++)
    fprintf(stderr, "%s%s", k ? ", " : "", kind_name(wasm_valtype_kind(types->data[k])));
  fprintf(stderr, ")");
}

/* --invoke: runs a reactor's _initialize, then calls `o->invoke` with `args` and prints its
 * results. Returns the exit status. */
static int invoke(const char* module_path, const options_t* o, const wasm_module_t* module,
                  const wasm_instance_t* instance, int argc, char** args) {
  wasm_extern_vec_t exports;
  wasm_instance_exports(instance, &exports);
  int status = EXIT_RUNNER_ERROR, exported = 0;
  wasm_trap_t* trap = NULL;
  wasm_functype_t* type = NULL;
  wasm_val_vec_t params = WASM_EMPTY_VEC, results = WASM_EMPTY_VEC;

  wasm_func_t* func = find_func(module, &exports, o->invoke, &exported);
  if (!func) {
    fprintf(stderr, "wasmrt-run: %s: %s \"%s\"\n", module_path,
            exported ? "export is not a function:" : "no exported function", o->invoke);
    goto done;
  }
  type = wasm_func_type(func);
  const wasm_valtype_vec_t* param_types = wasm_functype_params(type);
  const wasm_valtype_vec_t* result_types = wasm_functype_results(type);
  for (size_t k = 0; k < param_types->size + result_types->size; k++) {
    int is_param = k < param_types->size;
    const wasm_valtype_t* t = is_param ? param_types->data[k] : result_types->data[k - param_types->size];
    wasm_valkind_t kind = wasm_valtype_kind(t);
    if (kind != WASM_I32 && kind != WASM_I64 && kind != WASM_F32 && kind != WASM_F64 &&
        (is_param || kind == WASMRT_V128)) {
      fprintf(stderr, "wasmrt-run: %s: cannot invoke \"%s\": it %s %s, which wasmrt-run cannot %s\n", module_path,
              o->invoke, is_param ? "takes a parameter of type" : "returns a", kind_name(kind),
              is_param ? "pass" : "print");
      goto done;
    }
  }
  if ((size_t)argc != param_types->size) {
    fprintf(stderr, "wasmrt-run: %s: \"%s\" takes %zu argument%s", module_path, o->invoke, param_types->size,
            param_types->size == 1 ? "" : "s");
    if (param_types->size) print_types(param_types);
    fprintf(stderr, ", %d given\n", argc);
    goto done;
  }
  wasm_val_vec_new_uninitialized(&params, param_types->size);
  for (size_t k = 0; k < params.size; k++) params.data[k] = (wasm_val_t)WASM_I32_VAL(0);
  for (size_t k = 0; k < params.size; k++) {
    wasm_valkind_t kind = wasm_valtype_kind(param_types->data[k]);
    if (!parse_value(kind, args[k], &params.data[k])) {
      fprintf(stderr, "wasmrt-run: %s: argument %zu of \"%s\": cannot read \"%s\" as %s\n", module_path, k + 1,
              o->invoke, args[k], kind_name(kind));
      goto done;
    }
  }

  /* A reactor is initialized first. */
  int ignored;
  const wasm_func_t* init = find_func(module, &exports, "_initialize", &ignored);
  if (init) {
    wasm_val_vec_t none = WASM_EMPTY_VEC, none_out = WASM_EMPTY_VEC;
    trap = wasm_func_call(init, &none, &none_out);
    if (trap) {
      status = report_trap(module_path, o, trap);
      goto done;
    }
  }
  wasm_val_vec_new_uninitialized(&results, result_types->size);
  for (size_t k = 0; k < results.size; k++) results.data[k] = (wasm_val_t)WASM_I32_VAL(0);
  trap = wasm_func_call(func, &params, &results);
  if (trap) {
    status = report_trap(module_path, o, trap);
    goto done;
  }
  for (size_t k = 0; k < results.size; k++) print_value(&results.data[k]);
  status = 0;

done:
  wasm_trap_delete(trap);
  wasm_val_vec_delete(&results);
  wasm_val_vec_delete(&params);
  wasm_functype_delete(type);
  wasm_extern_vec_delete(&exports);
  return status;
}

/* ---- Options --------------------------------------------------------------------------------- */

/* Options that take a value, as --NAME VALUE or --NAME=VALUE. */
static const char* const value_options[] = {"--dir",  "--env",        "--tier",  "--invoke",
                                            "--fuel", "--timeout", "--max-memory", "--stdin"};

/* Prints an option's error and returns false. */
static int option_error(const char* fmt, const char* value) {
  runner_error(fmt, value);
  return 0;
}

/* Takes the value of option `name` from `value`; false (after the message) if it is not valid. */
static int set_option(options_t* o, const char* name, const char* value) {
  if (strcmp(name, "--dir") == 0) {
    o->dirs[o->ndirs++] = value;
  } else if (strcmp(name, "--env") == 0) {
    o->env[o->nenv++] = value;
  } else if (strcmp(name, "--tier") == 0) {
    o->tier = value;
  } else if (strcmp(name, "--invoke") == 0) {
    o->invoke = value;
  } else if (strcmp(name, "--fuel") == 0) {
    o->fuel_text = value;
    if (!parse_u64(value, &o->fuel)) return option_error("--fuel %s: not a number of units", value);
  } else if (strcmp(name, "--timeout") == 0) {
    o->timeout_text = value;
    if (!parse_duration(value, &o->timeout))
      return option_error("--timeout %s: not a duration (such as 500ms, 2s, 1m, 1h; a plain number is seconds)",
                          value);
  } else if (strcmp(name, "--max-memory") == 0) {
    uint64_t bytes;
    o->max_memory_text = value;
    if (!parse_size(value, &bytes))
      return option_error("--max-memory %s: not a size (bytes, or with a suffix K, M, G, KiB, MiB, GiB)", value);
    o->max_memory_pages = bytes / PAGE_SIZE;
    if (o->max_memory_pages == 0)
      return option_error("--max-memory %s: less than one 64 KiB page", value);
  } else if (strcmp(name, "--stdin") == 0) {
    o->stdin_path = value;
  }
  return 1;
}

/* Parses the options into `o`; returns the index of the module's path, or -1 after printing the
 * help or version (exit 0), or -2 after an error (exit 125). */
static int parse_options(int argc, char** argv, options_t* o) {
  int i = 1;
  for (; i < argc; i++) {
    const char* a = argv[i];
    if (strcmp(a, "--") == 0) {
      i++;
      break;
    } else if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
      fputs(usage, stdout);
      return -1;
    } else if (strcmp(a, "--version") == 0) {
      printf("wasmrt-run %s\n", WASMRT_RUN_VERSION);
      return -1;
    } else if (a[0] != '-' || a[1] == '\0') {
      break;
    }
    const char* value = NULL;
    const char* name = NULL;
    for (size_t k = 0; k < sizeof value_options / sizeof *value_options && !value; k++) {
      size_t len = strlen(value_options[k]);
      if (strcmp(a, value_options[k]) == 0 && i + 1 < argc) value = argv[++i];
      else if (strncmp(a, value_options[k], len) == 0 && a[len] == '=') value = a + len + 1;
      if (value) name = value_options[k];
    }
    if (!value) {
      fputs(usage, stderr);
      runner_error("unknown or incomplete option %s", a);
      return -2;
    }
    if (!set_option(o, name, value)) return -2;
  }
  if (i >= argc) {
    fputs(usage, stderr);
    runner_error("%s", "no module given");
    return -2;
  }
  return i;
}

/* ---- The run ----------------------------------------------------------------------------------- */

/* Makes the WASI configuration from the options; NULL (after the message) if it cannot. */
static wasi_config_t* make_wasi_config(const options_t* o, int argc, char** argv) {
  wasi_config_t* wasi = wasi_config_new();
  char** names = calloc(o->nenv + 1, sizeof *names);
  const char** values = calloc(o->nenv + 1, sizeof *values);
  size_t nvars = 0;
  int ok = 0;
  if (!wasi_config_set_argv(wasi, (size_t)argc, (const char* const*)argv)) {
    runner_error("%s", "the arguments are not valid UTF-8");
    goto done;
  }
  for (size_t k = 0; k < o->nenv; k++) {
    const char* eq = strchr(o->env[k], '=');
    size_t len = eq ? (size_t)(eq - o->env[k]) : strlen(o->env[k]);
    names[nvars] = malloc(len + 1);
    memcpy(names[nvars], o->env[k], len);
    names[nvars][len] = '\0';
    values[nvars] = eq ? eq + 1 : getenv(names[nvars]);
    if (values[nvars]) nvars++;
    else free(names[nvars]);
  }
  if (!wasi_config_set_env(wasi, nvars, (const char* const*)names, values)) {
    runner_error("%s", "the environment is not valid UTF-8");
    goto done;
  }
  for (size_t k = 0; k < o->ndirs; k++) {
    char* host = strdup(o->dirs[k]);
    char* sep = strstr(host, "::");
    const char* guest = host;
    if (sep) {
      *sep = '\0';
      guest = sep + 2;
    }
    int opened = wasi_config_preopen_dir(wasi, host, guest);
    free(host);
    if (!opened) {
      runner_error("--dir %s: not a directory (or not UTF-8)", o->dirs[k]);
      goto done;
    }
  }
  if (!o->stdin_path) {
    wasi_config_inherit_stdin(wasi);
  } else if (!wasi_config_set_stdin_file(wasi, o->stdin_path)) {
    runner_error("--stdin %s: cannot be opened", o->stdin_path);
    goto done;
  }
  wasi_config_inherit_stdout(wasi);
  wasi_config_inherit_stderr(wasi);
  ok = 1;
done:
  for (size_t k = 0; k < nvars; k++) free(names[k]);
  free(names);
  free(values);
  if (!ok) {
    wasi_config_delete(wasi);
    return NULL;
  }
  return wasi;
}

/* Makes the engine for the options' tier and fuel; NULL (after the message) if it cannot. */
static wasm_engine_t* make_engine(const options_t* o) {
  wasm_config_t* config = wasm_config_new();
  if (o->tier == NULL) {
    /* the library's default */
  } else if (strcmp(o->tier, "jit") == 0) {
    if (!wasmrt_config_set_tier(config, WASMRT_TIER_JIT)) {
      wasm_config_delete(config);
      runner_error("%s", "the JIT tier is not available on this architecture");
      return NULL;
    }
  } else if (strcmp(o->tier, "interp") != 0 || !wasmrt_config_set_tier(config, WASMRT_TIER_INTERPRETER)) {
    wasm_config_delete(config);
    runner_error("unknown tier \"%s\" (interp or jit)", o->tier);
    return NULL;
  }
  if (o->fuel_text) wasmrt_config_consume_fuel(config, true);
  return wasm_engine_new_with_config(config);
}

int main(int argc, char** argv) {
  options_t o = {0};
  o.dirs = calloc((size_t)argc, sizeof *o.dirs);
  o.env = calloc((size_t)argc, sizeof *o.env);
  int i = parse_options(argc, argv, &o);
  if (i < 0) {
    free(o.dirs);
    free(o.env);
    return i == -1 ? 0 : EXIT_RUNNER_ERROR;
  }
  const char* module_path = argv[i];

  int status = EXIT_RUNNER_ERROR;
  wasm_engine_t* engine = make_engine(&o);
  wasm_store_t* store = NULL;
  wasi_config_t* wasi = NULL;
  wasm_module_t* module = NULL;
  wasm_instance_t* instance = NULL;
  wasm_trap_t* trap = NULL;
  wasm_extern_vec_t imports = WASM_EMPTY_VEC;
  wasm_byte_vec_t binary = WASM_EMPTY_VEC;
  watcher_t watcher;
  int watching = 0;
  if (!engine) goto done;
  store = wasm_store_new(engine);
  if (o.fuel_text) wasmrt_store_add_fuel(store, o.fuel);
  if (o.max_memory_text) {
    wasmrt_store_limits_t limits = {0};
    limits.memory_pages = o.max_memory_pages;
    wasmrt_store_set_limits(store, &limits);
  }
  /* With --invoke the arguments after the module are the function's; the program's are the module
   * path alone. */
  wasi = make_wasi_config(&o, o.invoke ? 1 : argc - i, argv + i);
  if (!wasi) goto done;

  if (!read_file(module_path, &binary)) {
    fprintf(stderr, "wasmrt-run: %s: %s\n", module_path, strerror(errno));
    goto done;
  }
  module = wasm_module_new(store, &binary);
  if (!module) {
    wasm_message_t error;
    wasmrt_last_error_message(&error);
    fprintf(stderr, "wasmrt-run: %s: %s\n", module_path, error.size ? error.data : "cannot compile");
    wasm_byte_vec_delete(&error);
    goto done;
  }
  if (!o.invoke && !exports_func(module, "_start") && !exports_func(module, "_initialize")) {
    runner_error("%s: the module exports neither _start (a command) nor _initialize (a reactor)", module_path);
    goto done;
  }
  int ok = wasi_instance_imports(store, module, wasi, NULL, 0, &imports, &trap);
  wasi = NULL; /* taken by wasi_instance_imports */
  if (!ok) {
    print_trap_message(module_path, "", trap);
    goto done;
  }
  if (o.timeout_text) {
    if (!watcher_start(&watcher, store, module_path, &o)) {
      runner_error("%s", "--timeout: cannot start a thread");
      goto done;
    }
    watching = 1;
  }
  instance = wasm_instance_new(store, module, &imports, &trap);
  if (!instance) {
    if (trap && wasmrt_trap_code(trap) == WASMRT_TRAP_HOST && !wasmrt_trap_exit_status(trap, NULL)) {
      print_trap_message(module_path, "cannot instantiate: ", trap);
      status = EXIT_RUNNER_ERROR;
    } else if (trap) {
      status = report_trap(module_path, &o, trap); /* a start function trapped or exited */
    }
    goto done;
  }
  if (o.invoke) {
    status = invoke(module_path, &o, module, instance, argc - i - 1, argv + i + 1);
  } else if (!wasi_run_start(instance, &status, &trap)) {
    status = report_trap(module_path, &o, trap);
  }

done:
  if (watching) watcher_stop(&watcher);
  free(o.dirs);
  free(o.env);
  wasm_trap_delete(trap);
  wasm_instance_delete(instance);
  wasm_extern_vec_delete(&imports);
  wasm_module_delete(module);
  wasm_byte_vec_delete(&binary);
  wasi_config_delete(wasi);
  wasm_store_delete(store);
  wasm_engine_delete(engine);
  fflush(stdout);
  return status;
}
