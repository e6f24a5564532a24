/* sesame-rtt.c
 *
 * Every probe of a run waits for answers from the same internet, over the
 * same first links: the first answer of any of them (a hop beyond the
 * router, a "what is my IP" service, the router's NAT-PMP or PCP, a STUN
 * server) says how long a round trip takes before the others have one of
 * their own. A SesameRtt is owned by the run and given to the probes; each
 * adds what it measured, and each wait reads the longest round trip seen,
 * so that no probe calls silence what a slow link has not delivered yet.
 * All on the main context: no locking.
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-rtt"

#include "config.h"

#include "sesame-rtt.h"

/* Longer than any round trip Sesame copes with: a sample beyond it is a
 * stalled exchange, not a round trip */
#define MAX_SAMPLE_MS 5000

struct _SesameRtt
{
  gint64 longest;
  gint64 internet;   /* the longest from a server on the internet */
  guint  samples;
};

G_DEFINE_BOXED_TYPE (SesameRtt, sesame_rtt, sesame_rtt_ref, sesame_rtt_unref)

SesameRtt *
sesame_rtt_new (void)
{
  return g_rc_box_new0 (SesameRtt);
}

SesameRtt *
sesame_rtt_ref (SesameRtt *self)
{
  g_return_val_if_fail (self != NULL, NULL);

  return g_rc_box_acquire (self);
}

void
sesame_rtt_unref (SesameRtt *self)
{
  g_return_if_fail (self != NULL);

  g_rc_box_release (self);
}

/**
 * sesame_rtt_add_sample:
 * @self: the run's round trips
 * @source: what answered, for the debug log: "stun", "http", "pcp", "hop"
 * @rtt_ms: how long the answer took, at least one round trip
 *
 * A sample is at least one round trip of the path it was measured on; a
 * probe may give the whole time of an exchange that took several, as long
 * as it is not less than one; 0 is an answer within the millisecond. An
 * answer from a server on the internet ("http", "stun") also proves that
 * the way there works (sesame_rtt_get_internet ()); the router's and a
 * hop's do not: the hops answering are only part of the way.
 */
void
sesame_rtt_add_sample (SesameRtt  *self,
                       const char *source,
                       gint64      rtt_ms)
{
  g_return_if_fail (self != NULL);

  if (rtt_ms < 0 || rtt_ms > MAX_SAMPLE_MS)
    return;
  rtt_ms = MAX (1, rtt_ms);

  if (self->samples == 0 || rtt_ms > self->longest)
    g_debug ("%s: %" G_GINT64_FORMAT " ms round trip%s", source, rtt_ms,
             self->samples == 0 ? ", the first" : ", the longest yet");

  self->longest = MAX (self->longest, rtt_ms);
  if (g_str_equal (source, "http") || g_str_equal (source, "stun"))
    self->internet = MAX (self->internet, rtt_ms);
  self->samples++;
}

/**
 * sesame_rtt_get_longest:
 *
 * Returns: the longest round trip measured, in ms; 0 while none is
 */
gint64
sesame_rtt_get_longest (SesameRtt *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->longest;
}

/**
 * sesame_rtt_get_internet:
 *
 * Returns: the longest round trip measured by an answer from a server on
 *   the internet (an HTTP service, a STUN server), in ms; 0 while none is
 */
gint64
sesame_rtt_get_internet (SesameRtt *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->internet;
}

guint
sesame_rtt_get_samples (SesameRtt *self)
{
  g_return_val_if_fail (self != NULL, 0);

  return self->samples;
}
