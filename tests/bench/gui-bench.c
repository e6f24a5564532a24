/* gui-bench.c: the wizard's benchmarks (not timed tests), driven by gui-bench.py
 *
 *   gui-bench --mode=minimal|sesame|stall [--plan FILE] [--page NAME]
 *             [--stun HOST:PORT]... [--ip-url URL]... [--check-url TEMPLATE]
 *             [--no-internet] [--deadline-ms MS] [--restart] [--timeout-s S]
 *
 * minimal: an AdwApplication whose window is an AdwApplicationWindow with an
 *   AdwHeaderBar and a label, the size of Sesame's window: the baseline.
 * sesame: the same application with the wizard's window instead (catalog,
 *   plan, probe session and the window, as the real application builds them;
 *   the checks start with the window, as they do for a person).
 *   Both print one JSON line and exit:
 *     {"mode":"sesame","first_frame_ms":312.4,"t0":"launcher","first_frame_ms_proc":318.0,
 *      "main_ms":20.1,"activate_ms":121.0,"window_ms":225.3,"map_ms":262.0}
 *   first_frame_ms runs from the process start to the end of the first paint
 *   of the window's frame clock after the window was mapped (::after-paint).
 *   The process start is SESAME_BENCH_T0_NS when the launcher sets it (its
 *   CLOCK_BOOTTIME in nanoseconds, read just before fork and exec, "t0":
 *   "launcher"), else the kernel's start time of this process
 *   (/proc/self/stat field 22, in clock ticks of CLOCK_BOOTTIME, so only to
 *   1/_SC_CLK_TCK s, "t0":"proc"). first_frame_ms_proc is always the latter,
 *   as a cross-check. The *_ms after it say, from the same start, when
 *   main() began, ::activate came, the window was built and it was mapped.
 * stall: the wizard's window with its checks running. From the window's map
 *   until 1 s after the session's ::finished (the "probes" phase: what the
 *   pages do with the result counts too), then as long again with the same
 *   window and nothing to do (the "baseline" phase, same process, session
 *   idle), it records how long the main loop went without iterating: a 1 ms
 *   timeout at G_PRIORITY_HIGH notes the time between its dispatches, and a
 *   tick callback the time between frame clock ticks. It also times the
 *   handlers of every ::updated (the longest) and of ::finished.
 *   With --restart the checks start again once the window's first frame is
 *   on screen, as the checks page does when the plan's ports have changed,
 *   so that all of their work, starting included, runs in a visible window.
 *   One JSON line per phase (gaps: maximum, 99th percentile, counts, the
 *   longest ones with the session's last ::updated section before each,
 *   and the main thread's CPU time in each gap, with the busiest gaps: on
 *   a loaded machine a long gap may be mostly waiting for a CPU;
 *   "loop_settled_*" counts only gaps that began after the window's first
 *   paint, which the first-frame benchmark covers), then one line summing
 *   up the report, to show the checks found something.
 *
 * Exit status 0; 1 when the catalog or the plan cannot be loaded, or the
 * window or the checks did not get there in --timeout-s; 2 for bad arguments.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define _GNU_SOURCE  /* sched_getcpu (), pthread_setaffinity_np () */

#include "config.h"

#include <fcntl.h>
#include <locale.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "sesame-catalog.h"
#include "sesame-gui.h"
#include "sesame-plan.h"
#include "sesame-probe-session.h"
#include "sesame-window.h"

#define LONGEST_GAPS 5
#define FINISH_SETTLE_MS 1000

typedef enum
{
  MODE_MINIMAL,
  MODE_SESAME,
  MODE_STALL,
} Mode;

typedef enum
{
  PHASE_STARTING,
  PHASE_PROBES,
  PHASE_BASELINE,
  PHASE_DONE,
} Phase;

typedef struct
{
  gint64      gap_us;
  gint64      cpu_us;      /* the main thread's CPU time in the gap: its own work, not waiting for a CPU */
  gint64      runq_us;     /* its time runnable but waiting for a CPU (schedstat); the rest it was blocked */
  gint64      machine_us;  /* of which the CPU under it stood still (see the sentinels), filled when printed */
  int         start_cpu;   /* the CPU the main thread was on at either end */
  int         end_cpu;
  gint64      end_us;      /* g_get_monotonic_time (), as perf -k CLOCK_MONOTONIC has it */
  const char *section;     /* nullable: the last ::updated before the gap ended */
} Gap;

/* Gaps of one clock: the main loop's timeout, or the frame clock */
typedef struct
{
  GArray *gaps;         /* element-type Gap */
  gint64  last_us;      /* 0 before the first sample */
  gint64  last_cpu_us;
  gint64  last_runq_us;
  int     last_cpu;
} GapClock;

typedef struct
{
  Mode                mode;
  char               *plan_file;
  char               *page;
  char              **stun;
  char              **ip_urls;
  char               *check_url;
  gboolean            no_internet;
  gboolean            restart;
  gboolean            restarted;
  int                 deadline_ms;
  int                 timeout_s;

  GtkApplication     *app;
  GtkWindow          *window;
  SesameProbeSession *session;
  int                 status;

  /* first frame: CLOCK_BOOTTIME of each step, ns */
  gulong              after_paint_handler;
  gint64              main_ns;
  gint64              activate_ns;
  gint64              window_ns;
  gint64              map_ns;

  /* stall */
  Phase               phase;
  gint64              phase_start_us;
  gint64              probes_us;
  GapClock            loop;
  GapClock            frames;
  guint               loop_source;
  guint               timeout_source;
  const char         *last_section;   /* interned */
  guint               n_updated;
  gint64              emission_start_us;
  gint64              finished_start_us;
  gint64              finished_handlers_us;
  gint64              handler_max_us;
  const char         *handler_max_section;
  gint64              paint_start_us;
  gint64              paint_max_us;     /* the longest frame: ::before-paint to ::after-paint */
  gint64              paint_max_end_us; /* since the phase began */
  gint64              first_paint_end_us;  /* monotonic; 0 before the window's first paint */
  /* Where a frame's CPU time goes, once the first frame is on screen: the
   * main thread's CPU time from ::before-paint to the end of GTK's own
   * ::update (tick callbacks: the pages' refreshes), ::layout (measuring
   * and allocating) and ::paint (snapshot and render), the most of each */
  gint64              frame_cpu_us;
  gint64              update_cpu_max_us;
  gint64              layout_cpu_max_us;
  gint64              draw_cpu_max_us;
} Bench;

/* Machine stalls ----------------------------------------------------------
 *
 * A CPU can stop running threads for tens of milliseconds: a virtual
 * machine's host takes it away, or the kernel holds it with interrupts off
 * (a program writing to a virtual machine's serial console: the lab's
 * miniupnpd did, see tests/integration/netlab). The thread on it stops and
 * the kernel charges the time to it, so a gap in the main loop then looks
 * like the main thread's own work (the busy loop of a separate program
 * shows the same gaps, "CPU" included, at the same moments). A sentinel
 * per CPU, a real-time (SCHED_FIFO) thread pinned to it that wakes every
 * millisecond, runs as soon as its timer fires, whatever else runs there:
 * when it wakes more than SENTINEL_LATE_US late, its CPU was not running. A gap is printed
 * with how much of it the CPU the main thread was on stood still (the CPU
 * at both ends of the gap; when they differ, the lesser of the two), and
 * the longest gap without that ("own"). Without real-time scheduling (not
 * root) a sentinel also wakes late for other programs: nothing is then
 * taken out ("sentinel":"not real-time"). */

#define SENTINEL_PERIOD_US 1000
#define SENTINEL_LATE_US 2000
#define MAX_SENTINELS 64

typedef struct
{
  gint64 start_us;
  gint64 end_us;
} Stall;

typedef struct
{
  guint    cpu;
  GThread *thread;
  GArray  *stalls;      /* element-type Stall, monotonic us; under sentinel_lock */
  gboolean realtime;    /* under sentinel_lock */
} Sentinel;

static GMutex    sentinel_lock;
static Sentinel  sentinels[MAX_SENTINELS];
static guint     n_sentinels;
static gint      sentinel_stop;

static gpointer
sentinel_run (gpointer data)
{
  Sentinel *sentinel = data;
  struct sched_param param = { .sched_priority = 1 };
  cpu_set_t set;
  gboolean realtime;
  gint64 last;

  CPU_ZERO (&set);
  CPU_SET (sentinel->cpu, &set);
  realtime = pthread_setaffinity_np (pthread_self (), sizeof set, &set) == 0 &&
             pthread_setschedparam (pthread_self (), SCHED_FIFO, &param) == 0;
  g_mutex_lock (&sentinel_lock);
  sentinel->realtime = realtime;
  g_mutex_unlock (&sentinel_lock);

  last = g_get_monotonic_time ();
  while (!g_atomic_int_get (&sentinel_stop))
    {
      struct timespec period = { 0, SENTINEL_PERIOD_US * 1000 };
      gint64 now;

      clock_nanosleep (CLOCK_MONOTONIC, 0, &period, NULL);
      now = g_get_monotonic_time ();
      if (now - last > SENTINEL_PERIOD_US + SENTINEL_LATE_US)
        {
          Stall stall = { last + SENTINEL_PERIOD_US, now };

          g_mutex_lock (&sentinel_lock);
          g_array_append_val (sentinel->stalls, stall);
          g_mutex_unlock (&sentinel_lock);
        }
      last = now;
    }

  return NULL;
}

static void
sentinels_start (void)
{
  n_sentinels = CLAMP (g_get_num_processors (), 1, MAX_SENTINELS);
  for (guint i = 0; i < n_sentinels; i++)
    {
      sentinels[i].cpu = i;
      sentinels[i].stalls = g_array_new (FALSE, FALSE, sizeof (Stall));
      sentinels[i].thread = g_thread_new ("sentinel", sentinel_run, &sentinels[i]);
    }
}

static void
sentinels_finish (void)
{
  g_atomic_int_set (&sentinel_stop, TRUE);
  for (guint i = 0; i < n_sentinels; i++)
    {
      g_clear_pointer (&sentinels[i].thread, g_thread_join);
      g_clear_pointer (&sentinels[i].stalls, g_array_unref);
    }
  n_sentinels = 0;
}

/* Called with sentinel_lock held */
static gboolean
sentinels_realtime_locked (void)
{
  for (guint i = 0; i < n_sentinels; i++)
    if (!sentinels[i].realtime)
      return FALSE;

  return n_sentinels > 0;
}

static gboolean
sentinels_realtime (void)
{
  gboolean realtime;

  g_mutex_lock (&sentinel_lock);
  realtime = sentinels_realtime_locked ();
  g_mutex_unlock (&sentinel_lock);

  return realtime;
}

/* How long @cpu stood still between @start_us and @end_us */
static gint64
cpu_stalled_us (int    cpu,
                gint64 start_us,
                gint64 end_us)
{
  gint64 total = 0;

  if (cpu < 0 || (guint) cpu >= n_sentinels)
    return 0;

  g_mutex_lock (&sentinel_lock);
  /* A sentinel that is not real-time also wakes late for other programs */
  for (guint i = 0; i < sentinels[cpu].stalls->len; i++)
    {
      const Stall *stall = &g_array_index (sentinels[cpu].stalls, Stall, i);
      gint64 from = MAX (stall->start_us, start_us);
      gint64 to = MIN (stall->end_us, end_us);

      if (to > from)
        total += to - from;
    }
  if (!sentinels_realtime_locked ())
    total = 0;
  g_mutex_unlock (&sentinel_lock);

  return total;
}

/* How long the CPU under the main thread stood still in a gap from
 * @start_us on @start_cpu to @end_us on @end_cpu */
static gint64
machine_stalled_us (gint64 start_us,
                    int    start_cpu,
                    gint64 end_us,
                    int    end_cpu)
{
  gint64 at_start = cpu_stalled_us (start_cpu, start_us, end_us);

  if (start_cpu == end_cpu)
    return at_start;

  return MIN (at_start, cpu_stalled_us (end_cpu, start_us, end_us));
}

/* How long any CPU stood still between @start_us and @end_us, in all */
static gint64
machine_stalled_any_us (gint64 start_us,
                        gint64 end_us)
{
  gint64 total = 0;

  for (guint i = 0; i < n_sentinels; i++)
    total += cpu_stalled_us ((int) i, start_us, end_us);

  return total;
}

static Bench bench = {
  .timeout_s = 60,
};

/* The CPU time of the calling thread (the main thread: the clocks sample
 * there), us */
static gint64
thread_cpu_us (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return (gint64) ts.tv_sec * G_USEC_PER_SEC + ts.tv_nsec / 1000;
}

/* How long the main thread has waited on a run queue, us: the second field
 * of /proc/thread-self/schedstat, opened by the main thread (the clocks
 * sample there); -1 where the kernel does not keep it */
static gint64
thread_runq_us (void)
{
  static int fd = -2;
  char buf[96];
  ssize_t n;
  guint64 run_ns, wait_ns;

  if (fd == -2)
    fd = open ("/proc/thread-self/schedstat", O_RDONLY | O_CLOEXEC);
  if (fd < 0)
    return -1;
  n = pread (fd, buf, sizeof buf - 1, 0);
  if (n <= 0)
    return -1;
  buf[n] = '\0';
  if (sscanf (buf, "%" G_GUINT64_FORMAT " %" G_GUINT64_FORMAT, &run_ns, &wait_ns) != 2)
    return -1;

  return (gint64) (wait_ns / 1000);
}

static gint64
boottime_ns (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_BOOTTIME, &ts);
  return (gint64) ts.tv_sec * G_GINT64_CONSTANT (1000000000) + ts.tv_nsec;
}

/* The kernel's start time of this process, in ns of CLOCK_BOOTTIME; -1 if unknown */
static gint64
proc_start_ns (void)
{
  g_autofree char *stat = NULL;
  g_auto(GStrv) fields = NULL;
  const char *rest;
  long ticks = sysconf (_SC_CLK_TCK);
  guint64 start;

  if (!g_file_get_contents ("/proc/self/stat", &stat, NULL, NULL) ||
      (rest = strrchr (stat, ')')) == NULL || ticks <= 0)
    return -1;

  /* After "pid (comm) ": field 3 is fields[0], so field 22 is fields[19] */
  fields = g_strsplit (rest + 2, " ", 21);
  if (g_strv_length (fields) < 21 ||
      !g_ascii_string_to_unsigned (fields[19], 10, 0, G_MAXUINT64, &start, NULL))
    return -1;

  return (gint64) (start * (G_GUINT64_CONSTANT (1000000000) / (guint64) ticks));
}

/* The launcher's clock reading just before it started us, or -1 */
static gint64
launcher_start_ns (void)
{
  const char *env = g_getenv ("SESAME_BENCH_T0_NS");
  gint64 t0;

  if (env == NULL || !g_ascii_string_to_signed (env, 10, 1, G_MAXINT64, &t0, NULL))
    return -1;

  return t0;
}

static void
quit (void)
{
  if (bench.window != NULL)
    gtk_window_destroy (bench.window);
  bench.window = NULL;
  g_application_quit (G_APPLICATION (bench.app));
}

static void
fail (const char *message)
{
  g_printerr ("gui-bench: %s\n", message);
  bench.status = 1;
  quit ();
}

static const char *
mode_name (Mode mode)
{
  switch (mode)
    {
    case MODE_MINIMAL: return "minimal";
    case MODE_SESAME: return "sesame";
    case MODE_STALL: return "stall";
    default: g_assert_not_reached ();
    }
}

/* first frame ---------------------------------------------------------------- */

static void
on_after_paint (GdkFrameClock *clock,
                gpointer       user_data)
{
  gint64 now = boottime_ns ();
  gint64 launcher = launcher_start_ns ();
  gint64 proc = proc_start_ns ();
  gint64 t0 = launcher >= 0 ? launcher : proc;
  g_autoptr(GString) line = g_string_new (NULL);

  g_clear_signal_handler (&bench.after_paint_handler, clock);

  g_string_append_printf (line, "{\"mode\":\"%s\",\"first_frame_ms\":%.1f,\"t0\":\"%s\"",
                          mode_name (bench.mode), (now - t0) / 1e6, launcher >= 0 ? "launcher" : "proc");
  g_string_append_printf (line, ",\"renderer\":\"%s\"",
                          G_OBJECT_TYPE_NAME (gtk_native_get_renderer (GTK_NATIVE (bench.window))));
  if (proc >= 0)
    g_string_append_printf (line, ",\"first_frame_ms_proc\":%.1f", (now - proc) / 1e6);
  /* Where the time went: when main() ran, ::activate came, the window was
   * built, it was mapped */
  g_string_append_printf (line, ",\"main_ms\":%.1f,\"activate_ms\":%.1f,\"window_ms\":%.1f,\"map_ms\":%.1f",
                          (bench.main_ns - t0) / 1e6, (bench.activate_ns - t0) / 1e6,
                          (bench.window_ns - t0) / 1e6, (bench.map_ns - t0) / 1e6);
  g_string_append (line, "}\n");
  g_print ("%s", line->str);

  quit ();
}

static void
on_first_map (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);

  bench.map_ns = boottime_ns ();
  bench.after_paint_handler = g_signal_connect (clock, "after-paint",
                                                G_CALLBACK (on_after_paint), NULL);
}

/* stall ---------------------------------------------------------------------- */

static void
gap_clock_reset (GapClock *clock)
{
  if (clock->gaps == NULL)
    clock->gaps = g_array_new (FALSE, FALSE, sizeof (Gap));
  g_array_set_size (clock->gaps, 0);
  clock->last_us = 0;
}

static void
gap_clock_sample (GapClock *clock,
                  gint64    now_us)
{
  gint64 cpu_us = thread_cpu_us ();
  gint64 runq_us = thread_runq_us ();
  int cpu = sched_getcpu ();
  Gap gap = {
    .gap_us = now_us - clock->last_us,
    .cpu_us = cpu_us - clock->last_cpu_us,
    .runq_us = runq_us >= 0 && clock->last_runq_us >= 0 ? runq_us - clock->last_runq_us : -1,
    .end_us = now_us,
    .start_cpu = clock->last_cpu,
    .end_cpu = cpu,
    .section = bench.last_section,
  };

  if (clock->last_us != 0)
    g_array_append_val (clock->gaps, gap);
  clock->last_us = now_us;
  clock->last_cpu_us = cpu_us;
  clock->last_runq_us = runq_us;
  clock->last_cpu = cpu;
}

/* Longest first */
static int
compare_gaps (gconstpointer a,
              gconstpointer b)
{
  gint64 x = ((const Gap *) a)->gap_us;
  gint64 y = ((const Gap *) b)->gap_us;

  return x > y ? -1 : x < y;
}

/* Most CPU time first */
static int
compare_gaps_cpu (gconstpointer a,
                  gconstpointer b)
{
  gint64 x = ((const Gap *) a)->cpu_us;
  gint64 y = ((const Gap *) b)->cpu_us;

  return x > y ? -1 : x < y;
}

static void
append_gaps (GString    *line,
             const char *name,
             GArray     *gaps,
             guint       n_longest)
{
  g_string_append_printf (line, ",\"%s\":[", name);
  for (guint i = 0; i < MIN (gaps->len, n_longest); i++)
    {
      const Gap *gap = &g_array_index (gaps, Gap, i);

      g_string_append_printf (line, "%s{\"gap_ms\":%.2f,\"cpu_ms\":%.2f,\"runq_ms\":%.2f,\"machine_ms\":%.2f,"
                              "\"end_ms\":%.1f,\"end_mono_us\":%" G_GINT64_FORMAT ",\"after_updated\":%s%s%s}",
                              i > 0 ? "," : "",
                              gap->gap_us / 1e3,
                              gap->cpu_us / 1e3,
                              gap->runq_us / 1e3,
                              gap->machine_us / 1e3,
                              (gap->end_us - bench.phase_start_us) / 1e3,
                              gap->end_us,
                              gap->section != NULL ? "\"" : "",
                              gap->section != NULL ? gap->section : "null",
                              gap->section != NULL ? "\"" : "");
    }
  g_string_append (line, "]");
}

/* Appends the figures of the gaps that began at @since_us or later */
static void
gap_clock_print (GapClock   *clock,
                 const char *name,
                 gint64      since_us,
                 gint64      over_us,
                 guint       n_longest,
                 GString    *line)
{
  g_autoptr(GArray) gaps = g_array_new (FALSE, FALSE, sizeof (Gap));
  guint over = 0;
  gint64 own_max_us = 0;
  gint64 own_cpu_max_us = 0;
  guint n;

  for (guint i = 0; i < clock->gaps->len; i++)
    {
      Gap gap = g_array_index (clock->gaps, Gap, i);

      if (gap.end_us - gap.gap_us < since_us)
        continue;

      gap.machine_us = machine_stalled_us (gap.end_us - gap.gap_us, gap.start_cpu, gap.end_us, gap.end_cpu);
      own_max_us = MAX (own_max_us, gap.gap_us - gap.machine_us);
      own_cpu_max_us = MAX (own_cpu_max_us, gap.cpu_us - MIN (gap.machine_us, gap.cpu_us));
      g_array_append_val (gaps, gap);
    }
  g_array_sort (gaps, compare_gaps);
  n = gaps->len;
  for (guint i = 0; i < n && g_array_index (gaps, Gap, i).gap_us > over_us; i++)
    over++;

  g_string_append_printf (line, ",\"%s_samples\":%u", name, n);
  g_string_append_printf (line, ",\"%s_max_gap_ms\":%.2f", name,
                          n > 0 ? g_array_index (gaps, Gap, 0).gap_us / 1e3 : 0.0);
  /* The nearest-rank 99th percentile (the list is longest first) */
  g_string_append_printf (line, ",\"%s_p99_gap_ms\":%.2f", name,
                          n > 0 ? g_array_index (gaps, Gap, n - ((n * 99 + 99) / 100)).gap_us / 1e3 : 0.0);
  g_string_append_printf (line, ",\"%s_gaps_over_%dms\":%u", name, (int) (over_us / 1000), over);
  /* The longest with the time the machine stood still taken out */
  g_string_append_printf (line, ",\"%s_max_own_gap_ms\":%.2f,\"%s_max_own_cpu_ms\":%.2f",
                          name, own_max_us / 1e3, name, own_cpu_max_us / 1e3);
  if (n_longest == 0)
    return;

  {
    g_autofree char *longest = g_strdup_printf ("%s_longest", name);
    g_autofree char *busiest = g_strdup_printf ("%s_busiest", name);

    append_gaps (line, longest, gaps, n_longest);
    /* The main thread's own work: on a loaded machine a long gap can be
     * mostly time spent waiting for a CPU */
    g_array_sort (gaps, compare_gaps_cpu);
    g_string_append_printf (line, ",\"%s_max_cpu_ms\":%.2f", name,
                            n > 0 ? g_array_index (gaps, Gap, 0).cpu_us / 1e3 : 0.0);
    append_gaps (line, busiest, gaps, n_longest);
  }
}

static gboolean
on_loop_timeout (gpointer user_data)
{
  gap_clock_sample (&bench.loop, g_get_monotonic_time ());
  return G_SOURCE_CONTINUE;
}

static gboolean
on_tick (GtkWidget     *widget,
         GdkFrameClock *clock,
         gpointer       user_data)
{
  gap_clock_sample (&bench.frames, g_get_monotonic_time ());
  return G_SOURCE_CONTINUE;
}

static void
on_before_paint (GdkFrameClock *clock)
{
  bench.paint_start_us = g_get_monotonic_time ();
  bench.frame_cpu_us = thread_cpu_us ();
}

/* Connected after every other handler (the widgets' tick callbacks are
 * connected when they are added): each notes the CPU time since the
 * previous phase ended */
static void
frame_phase_done (gint64 *max_us)
{
  gint64 now = thread_cpu_us ();

  if (bench.first_paint_end_us != 0 && bench.frame_cpu_us != 0 && now - bench.frame_cpu_us > *max_us)
    *max_us = now - bench.frame_cpu_us;
  bench.frame_cpu_us = now;
}

static void
on_update_done (GdkFrameClock *clock)
{
  frame_phase_done (&bench.update_cpu_max_us);
}

static void
on_layout_done (GdkFrameClock *clock)
{
  frame_phase_done (&bench.layout_cpu_max_us);
}

static void
on_draw_done (GdkFrameClock *clock)
{
  frame_phase_done (&bench.draw_cpu_max_us);
}

static gboolean
on_restart (gpointer user_data)
{
  g_autoptr(SesameCatalog) catalog = NULL;

  if (bench.window == NULL || bench.phase != PHASE_PROBES)
    return G_SOURCE_REMOVE;

  g_object_get (bench.window, "catalog", &catalog, NULL);
  sesame_probe_session_start (bench.session, sesame_window_get_plan (SESAME_WINDOW (bench.window)), catalog);
  bench.restarted = TRUE;

  return G_SOURCE_REMOVE;
}

static void
on_paint_done (GdkFrameClock *clock)
{
  gint64 now = g_get_monotonic_time ();

  if (bench.paint_start_us == 0 || bench.phase == PHASE_STARTING)
    return;

  if (bench.first_paint_end_us == 0)
    {
      bench.first_paint_end_us = now;
      /* In a main loop iteration of its own, well after the first frame */
      if (bench.restart)
        g_timeout_add (100, on_restart, NULL);
    }
  if (now - bench.paint_start_us > bench.paint_max_us)
    {
      bench.paint_max_us = now - bench.paint_start_us;
      bench.paint_max_end_us = now - bench.phase_start_us;
    }
}

static void
begin_phase (Phase phase)
{
  bench.phase = phase;
  bench.phase_start_us = g_get_monotonic_time ();
  gap_clock_reset (&bench.loop);
  gap_clock_reset (&bench.frames);
  bench.n_updated = 0;
  bench.handler_max_us = 0;
  bench.handler_max_section = NULL;
  bench.last_section = NULL;
  bench.paint_max_us = 0;
  bench.paint_max_end_us = 0;
  bench.update_cpu_max_us = 0;
  bench.layout_cpu_max_us = 0;
  bench.draw_cpu_max_us = 0;
  /* Both clocks start counting from the phase's start */
  gap_clock_sample (&bench.loop, bench.phase_start_us);
  gap_clock_sample (&bench.frames, bench.phase_start_us);
}

static void
print_phase (const char *phase_name)
{
  g_autoptr(GString) line = g_string_new (NULL);
  gint64 now = g_get_monotonic_time ();

  /* The time since the last sample counts too */
  gap_clock_sample (&bench.loop, now);

  g_string_append_printf (line, "{\"mode\":\"stall\",\"page\":\"%s\",\"phase\":\"%s\",\"duration_ms\":%.1f",
                          sesame_window_get_page_name (SESAME_WINDOW (bench.window)),
                          phase_name, (now - bench.phase_start_us) / 1e3);
  g_string_append_printf (line, ",\"sentinel\":\"%s\",\"machine_stalled_ms\":%.1f",
                          sentinels_realtime () ? "real-time" : "not real-time",
                          machine_stalled_any_us (bench.phase_start_us, now) / 1e3);
  gap_clock_print (&bench.loop, "loop", 0, 20000, LONGEST_GAPS, line);
  /* A 60 Hz clock that misses a frame: more than two frame intervals */
  gap_clock_print (&bench.frames, "frame", 0, 33400, 0, line);
  /* The same, once the window's first frame is on screen: the first-frame
   * benchmark covers that one */
  gap_clock_print (&bench.loop, "loop_settled", bench.first_paint_end_us, 20000, LONGEST_GAPS, line);
  gap_clock_print (&bench.frames, "frame_settled", bench.first_paint_end_us, 33400, 0, line);
  g_string_append_printf (line, ",\"first_paint_end_ms\":%.1f,\"paint_max_ms\":%.2f,\"paint_max_end_ms\":%.1f",
                          MAX (bench.first_paint_end_us - bench.phase_start_us, 0) / 1e3,
                          bench.paint_max_us / 1e3, bench.paint_max_end_us / 1e3);
  g_string_append_printf (line, ",\"frame_update_cpu_max_ms\":%.2f,\"frame_layout_cpu_max_ms\":%.2f"
                          ",\"frame_paint_cpu_max_ms\":%.2f",
                          bench.update_cpu_max_us / 1e3, bench.layout_cpu_max_us / 1e3, bench.draw_cpu_max_us / 1e3);
  if (bench.phase == PHASE_PROBES)
    g_string_append_printf (line, ",\"probes_ms\":%.1f,\"finished_handlers_ms\":%.2f",
                            bench.probes_us / 1e3, bench.finished_handlers_us / 1e3);
  g_string_append_printf (line, ",\"updated\":%u,\"handler_max_ms\":%.2f,\"handler_max_section\":%s%s%s}\n",
                          bench.n_updated, bench.handler_max_us / 1e3,
                          bench.handler_max_section != NULL ? "\"" : "",
                          bench.handler_max_section != NULL ? bench.handler_max_section : "null",
                          bench.handler_max_section != NULL ? "\"" : "");
  g_print ("%s", line->str);
}

static void
print_report (void)
{
  const SesameProbeReport *report = sesame_probe_session_get_report (bench.session);
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  g_autoptr(JsonGenerator) generator = json_generator_new ();
  g_autoptr(JsonNode) root = NULL;
  g_autofree char *text = NULL;

  json_builder_begin_object (builder);
  json_builder_set_member_name (builder, "mode");
  json_builder_add_string_value (builder, "stall");
  json_builder_set_member_name (builder, "probes_ms");
  json_builder_add_double_value (builder, bench.probes_us / 1e3);
  if (report != NULL)
    {
      json_builder_set_member_name (builder, "local_address");
      json_builder_add_string_value (builder, report->local_address);
      json_builder_set_member_name (builder, "gateway");
      json_builder_add_string_value (builder, report->gateway);
      json_builder_set_member_name (builder, "external_ipv4");
      json_builder_add_string_value (builder, report->external_ipv4);
      json_builder_set_member_name (builder, "external_sources");
      json_builder_add_int_value (builder, report->external_sources != NULL ? report->external_sources->len : 0);
      json_builder_set_member_name (builder, "nat");
      json_builder_add_string_value (builder, sesame_nat_classic_to_string (report->classic));
      json_builder_set_member_name (builder, "upnp_found");
      json_builder_add_boolean_value (builder, report->upnp_found);
      json_builder_set_member_name (builder, "upnp_model");
      json_builder_add_string_value (builder, report->upnp_model);
      json_builder_set_member_name (builder, "natpmp_found");
      json_builder_add_boolean_value (builder, report->natpmp_found);
      json_builder_set_member_name (builder, "pcp_found");
      json_builder_add_boolean_value (builder, report->pcp_found);
      json_builder_set_member_name (builder, "ports");
      json_builder_add_int_value (builder, report->ports != NULL ? report->ports->len : 0);
      json_builder_set_member_name (builder, "servers_contacted");
      json_builder_begin_array (builder);
      for (guint i = 0; report->servers_contacted != NULL && i < report->servers_contacted->len; i++)
        json_builder_add_string_value (builder, g_ptr_array_index (report->servers_contacted, i));
      json_builder_end_array (builder);
      json_builder_set_member_name (builder, "report_elapsed_ms");
      json_builder_add_int_value (builder, report->elapsed_ms);
    }
  json_builder_end_object (builder);

  root = json_builder_get_root (builder);
  json_generator_set_root (generator, root);
  text = json_generator_to_data (generator, NULL);
  g_print ("%s\n", text);
}

static gboolean
on_baseline_done (gpointer user_data)
{
  bench.timeout_source = 0;
  print_phase ("baseline");
  bench.phase = PHASE_DONE;
  print_report ();
  quit ();

  return G_SOURCE_REMOVE;
}

static gboolean
on_probes_done (gpointer user_data)
{
  guint baseline_ms = (guint) MAX ((g_get_monotonic_time () - bench.phase_start_us) / 1000, 1);

  bench.timeout_source = 0;
  print_phase ("probes");

  /* The same window, with nothing left to do, for as long again */
  sesame_probe_session_cancel (bench.session);
  begin_phase (PHASE_BASELINE);
  bench.timeout_source = g_timeout_add_full (G_PRIORITY_HIGH, baseline_ms, on_baseline_done, NULL, NULL);

  return G_SOURCE_REMOVE;
}

/* Runs after the pages' handlers, which were connected first */
static void
on_finished (SesameProbeSession *session)
{
  gint64 now = g_get_monotonic_time ();

  if (bench.phase != PHASE_PROBES)
    {
      if (bench.phase == PHASE_STARTING)
        fail ("the checks finished before the window was mapped");
      return;
    }
  if (bench.restart && !bench.restarted)
    {
      fail ("the checks finished before they could be started again (--restart)");
      return;
    }

  bench.probes_us = now - bench.phase_start_us;
  bench.finished_handlers_us = now - bench.finished_start_us;

  /* What the pages do with the result (relayout, the frames after it) is
   * the checks' work too: the phase ends FINISH_SETTLE_MS later */
  g_clear_handle_id (&bench.timeout_source, g_source_remove);
  bench.timeout_source = g_timeout_add_full (G_PRIORITY_HIGH, FINISH_SETTLE_MS, on_probes_done, NULL, NULL);
}

static gboolean
on_finished_hook (GSignalInvocationHint *hint,
                  guint                  n_values,
                  const GValue          *values,
                  gpointer               user_data)
{
  bench.finished_start_us = g_get_monotonic_time ();
  return TRUE;
}

static gboolean
on_updated_hook (GSignalInvocationHint *hint,
                 guint                  n_values,
                 const GValue          *values,
                 gpointer               user_data)
{
  bench.emission_start_us = g_get_monotonic_time ();
  return TRUE;
}

/* Runs after every other handler of the emission */
static void
on_updated_after (SesameProbeSession *session,
                  const char         *section)
{
  gint64 spent = g_get_monotonic_time () - bench.emission_start_us;

  bench.last_section = g_intern_string (section);
  bench.n_updated++;
  if (spent > bench.handler_max_us)
    {
      bench.handler_max_us = spent;
      bench.handler_max_section = bench.last_section;
    }
}

static gboolean
on_timeout (gpointer user_data)
{
  bench.timeout_source = 0;
  fail ("the checks did not finish in time (--timeout-s)");
  return G_SOURCE_REMOVE;
}

static void
on_stall_map (GtkWidget *window)
{
  if (bench.phase != PHASE_STARTING)
    return;

  begin_phase (PHASE_PROBES);
  g_signal_connect (gtk_widget_get_frame_clock (window), "before-paint", G_CALLBACK (on_before_paint), NULL);
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (on_paint_done), NULL);
  g_signal_connect_after (gtk_widget_get_frame_clock (window), "update", G_CALLBACK (on_update_done), NULL);
  g_signal_connect_after (gtk_widget_get_frame_clock (window), "layout", G_CALLBACK (on_layout_done), NULL);
  g_signal_connect_after (gtk_widget_get_frame_clock (window), "paint", G_CALLBACK (on_draw_done), NULL);
  bench.loop_source = g_timeout_add_full (G_PRIORITY_HIGH, 1, on_loop_timeout, NULL, NULL);
  gtk_widget_add_tick_callback (window, on_tick, NULL, NULL);
}

/* the application ------------------------------------------------------------ */

static SesameProbeSession *
new_session (void)
{
  SesameProbeSession *session = sesame_probe_session_new ();

  if (bench.stun != NULL)
    sesame_probe_session_set_stun_servers (session, (const char * const *) bench.stun);
  if (bench.ip_urls != NULL)
    sesame_probe_session_set_ip_urls (session, (const char * const *) bench.ip_urls);
  if (bench.check_url != NULL)
    sesame_probe_session_set_check_url (session, bench.check_url);
  if (bench.deadline_ms > 0)
    sesame_probe_session_set_deadline (session, (guint) bench.deadline_ms);
  sesame_probe_session_set_internet (session, !bench.no_internet);

  return session;
}

static GtkWindow *
new_minimal_window (GtkApplication *app)
{
  GtkWidget *window = adw_application_window_new (app);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *label = gtk_label_new ("A minimal window");

  gtk_widget_set_vexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), adw_header_bar_new ());
  gtk_box_append (GTK_BOX (box), label);
  adw_application_window_set_content (ADW_APPLICATION_WINDOW (window), box);
  gtk_window_set_title (GTK_WINDOW (window), "Minimal");
  /* The size of Sesame's window (ui/sesame-window.ui), so both paint as much */
  gtk_window_set_default_size (GTK_WINDOW (window), 760, 640);

  return GTK_WINDOW (window);
}

static GtkWindow *
new_sesame_window (GtkApplication *app)
{
  g_autoptr(SesameCatalog) catalog = NULL;
  g_autoptr(SesamePlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  SesameWindow *window;

  if (!(catalog = sesame_catalog_get_default (&error)))
    {
      g_printerr ("gui-bench: cannot load the catalog: %s\n", error->message);
      return NULL;
    }

  if (bench.plan_file != NULL)
    plan = sesame_plan_load_from_file (bench.plan_file, catalog, &error);
  else
    plan = sesame_plan_new ();
  if (plan == NULL)
    {
      g_printerr ("gui-bench: cannot open the plan %s: %s\n", bench.plan_file, error->message);
      return NULL;
    }

  bench.session = new_session ();
  window = sesame_window_new (app, plan, catalog, bench.session);
  if (bench.page != NULL && !sesame_window_set_page (window, bench.page))
    {
      g_printerr ("gui-bench: no page “%s”\n", bench.page);
      gtk_window_destroy (GTK_WINDOW (window));
      return NULL;
    }

  return GTK_WINDOW (window);
}

static void
on_activate (GtkApplication *app)
{
  if (bench.window != NULL)
    return;

  bench.activate_ns = boottime_ns ();
  bench.window = bench.mode == MODE_MINIMAL ? new_minimal_window (app) : new_sesame_window (app);
  bench.window_ns = boottime_ns ();
  if (bench.window == NULL)
    {
      bench.status = 1;
      g_application_quit (G_APPLICATION (app));
      return;
    }

  if (bench.mode == MODE_STALL)
    {
      g_signal_add_emission_hook (g_signal_lookup ("updated", SESAME_TYPE_PROBE_SESSION), 0,
                                  on_updated_hook, NULL, NULL);
      g_signal_add_emission_hook (g_signal_lookup ("finished", SESAME_TYPE_PROBE_SESSION), 0,
                                  on_finished_hook, NULL, NULL);
      g_signal_connect_after (bench.session, "updated", G_CALLBACK (on_updated_after), NULL);
      g_signal_connect (bench.session, "finished", G_CALLBACK (on_finished), NULL);
      g_signal_connect (bench.window, "map", G_CALLBACK (on_stall_map), NULL);
    }
  else
    g_signal_connect (bench.window, "map", G_CALLBACK (on_first_map), NULL);

  bench.timeout_source = g_timeout_add_seconds (bench.timeout_s, on_timeout, NULL);
  gtk_window_present (bench.window);
}

int
main (int   argc,
      char *argv[])
{
  g_autofree char *mode = NULL;
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  char *app_argv[] = { argv[0], NULL };
  const GOptionEntry entries[] = {
    { "mode", 0, 0, G_OPTION_ARG_STRING, &mode, "minimal, sesame or stall", "MODE" },
    { "plan", 0, 0, G_OPTION_ARG_FILENAME, &bench.plan_file, "The plan to open (default: a new one)", "FILE" },
    { "page", 0, 0, G_OPTION_ARG_STRING, &bench.page, "The page to show (default: welcome)", "PAGE" },
    { "stun", 0, 0, G_OPTION_ARG_STRING_ARRAY, &bench.stun, "STUN server (repeatable)", "HOST:PORT" },
    { "ip-url", 0, 0, G_OPTION_ARG_STRING_ARRAY, &bench.ip_urls, "Address service (repeatable)", "URL" },
    { "check-url", 0, 0, G_OPTION_ARG_STRING, &bench.check_url, "Port check service", "TEMPLATE" },
    { "no-internet", 0, 0, G_OPTION_ARG_NONE, &bench.no_internet, "Contact nothing beyond the router", NULL },
    { "deadline-ms", 0, 0, G_OPTION_ARG_INT, &bench.deadline_ms, "The checks' deadline", "MS" },
    { "restart", 0, 0, G_OPTION_ARG_NONE, &bench.restart, "Start the checks again after the first frame", NULL },
    { "timeout-s", 0, 0, G_OPTION_ARG_INT, &bench.timeout_s, "Give up after this long (default 60)", "S" },
    { NULL }
  };

  bench.main_ns = boottime_ns ();
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  context = g_option_context_new ("- the wizard's first frame and main loop stalls");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("gui-bench: %s\n", error->message);
      return 2;
    }
  if (g_strcmp0 (mode, "minimal") == 0)
    bench.mode = MODE_MINIMAL;
  else if (g_strcmp0 (mode, "sesame") == 0)
    bench.mode = MODE_SESAME;
  else if (g_strcmp0 (mode, "stall") == 0)
    bench.mode = MODE_STALL;
  else
    {
      g_printerr ("gui-bench: --mode wants minimal, sesame or stall\n");
      return 2;
    }
  if (bench.timeout_s <= 0 || bench.deadline_ms < 0)
    {
      g_printerr ("gui-bench: --timeout-s and --deadline-ms want positive numbers\n");
      return 2;
    }

  /* Sesame's main() chooses the renderer, starts loading the catalogs and
   * registers the resources before the application starts (AdwApplication
   * loads the wizard's style sheet from them); the same here. The minimal
   * window gets GTK's own choice */
  if (bench.mode != MODE_MINIMAL)
    {
      sesame_gui_init ();
      sesame_catalog_preload_default ();
      sesame_gui_ensure_resources ();
    }

  if (bench.mode == MODE_STALL)
    sentinels_start ();

  bench.app = GTK_APPLICATION (adw_application_new (APP_ID, G_APPLICATION_NON_UNIQUE));
  g_signal_connect (bench.app, "activate", G_CALLBACK (on_activate), NULL);
  g_application_run (G_APPLICATION (bench.app), 1, app_argv);

  g_clear_handle_id (&bench.loop_source, g_source_remove);
  g_clear_handle_id (&bench.timeout_source, g_source_remove);
  g_clear_object (&bench.session);
  g_clear_object (&bench.app);
  g_clear_pointer (&bench.loop.gaps, g_array_unref);
  g_clear_pointer (&bench.frames.gaps, g_array_unref);
  if (bench.mode == MODE_STALL)
    sentinels_finish ();
  g_free (bench.plan_file);
  g_free (bench.page);
  g_strfreev (bench.stun);
  g_strfreev (bench.ip_urls);
  g_free (bench.check_url);

  return bench.status;
}
