/* sesame-nat-probe.c
 *
 * Every test starts as soon as what it needs is known, and all run at once:
 * the mapping tests (RFC 5780 §4.3) on one socket, the filtering tests
 * (§4.4) on a fresh socket that only ever sends to the primary address, so
 * that no mapping towards the alternate address exists when its answers
 * come. Requests are retransmitted on a short staggered schedule. A reply
 * counts only with the right transaction ID and from the address the test
 * expects. "No reply" is concluded only after the control request of the
 * same socket was answered and a window of several round trips has passed;
 * anything undecided at the deadline is unknown, never "filtered".
 *
 * The server's word never sends Sesame anywhere it was not asked to go: an
 * OTHER-ADDRESS (and the mapped address the hairpinning test sends to) is
 * used only when it is the same kind of address as the server's own
 * (sesame_stun_address_may_contact()), and every destination beyond the
 * servers given is listed in the result. Any datagram at all from a server,
 * even one that is not a valid answer, proves that UDP passes.
 *
 * Over 1,000 lines because the mapping and filtering tests share one
 * clock, the round trip measured and the loss seen; what they mean is
 * apart (sesame-nat-classify.c).
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-nat-probe"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "sesame-nat-probe.h"
#include "sesame-rtt.h"
#include "sesame-stun.h"

#define TICK_MS              25
#define MAX_SENDS            32     /* per test; then it is left undecided */
#define MIN_RESEND_MS        20
#define MAX_RESEND_MS        250
#define MIN_NO_REPLY_MS      200
/* Silence is read as "no reply" only when the chance that every one of the
 * test's requests or their answers was lost, at the loss rate measured on
 * the tests that were answered, is below this */
#define WRONG_NO_REPLY_RISK  1e-5

typedef enum
{
  TXN_MAPPED,         /* test I, one per server (mapping socket) */
  TXN_OTHER_IP,       /* test II: alternate IP, primary port (mapping socket) */
  TXN_OTHER_BOTH,     /* test III: alternate IP and port (mapping socket) */
  TXN_CONTROL,        /* filtering socket, no change */
  TXN_CHANGE_BOTH,    /* filtering socket, change IP and port */
  TXN_CHANGE_PORT,    /* filtering socket, change port */
  TXN_HAIRPIN,        /* a third socket to our own mapped address */
} TxnKind;

typedef enum
{
  TXN_IDLE,           /* not started */
  TXN_SENDING,
  TXN_UNVERIFIED,     /* answered before its expected source could be known */
  TXN_ANSWERED,       /* answered by the expected source */
  TXN_NO_REPLY,
  TXN_SKIPPED,        /* not made: the server's second address was refused */
  TXN_UNDECIDED,      /* so many requests lost that its silence proves nothing */
} TxnState;

/* Each retransmission has a transaction ID of its own, so that an answer
 * says which request it answers: the round trip is measured from any
 * answer, and lost requests are counted */
typedef struct
{
  SesameStunTransactionId id;
  gint64                  sent_at;
  gboolean                answered;
} Send;

typedef struct
{
  TxnKind                 kind;
  guint                   server;
  TxnState                state;
  Send                    log[MAX_SENDS];
  GSocket                *socket;          /* unowned */
  GSocketAddress         *destination;
  SesameStunRequestFlags  flags;
  gint64                  started;
  gint64                  next_send;
  guint                   sends;
  gint64                  answered_at;
  SesameStunAddress       mapped;          /* from the reply */
  SesameStunAddress       other;           /* OTHER-ADDRESS or CHANGED-ADDRESS in the reply */
  SesameStunAddress       source;          /* where the reply came from */
} Txn;

typedef struct
{
  GTask             *task;                 /* owned until the result is returned */
  GPtrArray         *servers;              /* element-type GInetSocketAddress */
  GSocket           *mapping_socket;
  GSocket           *filtering_socket;
  GSocket           *hairpin_socket;
  GSource           *mapping_source;
  GSource           *filtering_source;
  GSource           *hairpin_source;
  GPtrArray         *txns;                 /* element-type Txn */
  guint              tick_id;
  guint              deadline_id;
  guint              cancel_idle_id;
  GCancellable      *cancellable;
  gulong             cancelled_id;
  gint64             start;
  gint64             deadline;
  gint64             rtt;                  /* the longest round trip measured; 0 until one is */
  SesameRtt         *shared;               /* nullable: the run's, from every probe's answers */
  SesameStunAddress  local;
  SesameStunAddress  primary;
  SesameStunAddress  other;                /* the first server's alternate address */
  gboolean           other_refused;        /* it gave one of another kind: never contacted */
  gboolean           primary_datagram;     /* something, valid or not, came from the first server */
  gboolean           any_datagram;         /* ... from any server */
  gint64             first_datagram_at;
  gboolean           at_deadline;          /* completed by the deadline, not by the answers */
} Probe;

static void
sighting_free (gpointer data)
{
  SesameStunSighting *sighting = data;

  g_free (sighting->server);
  g_free (sighting->mapped_address);
  g_free (sighting->error);
  g_free (sighting);
}

void
sesame_nat_result_free (SesameNatResult *result)
{
  if (result == NULL)
    return;

  g_free (result->external_address);
  g_clear_pointer (&result->sightings, g_ptr_array_unref);
  g_clear_pointer (&result->contacted, g_ptr_array_unref);
  g_free (result);
}

static void
txn_free (gpointer data)
{
  Txn *txn = data;

  g_clear_object (&txn->destination);
  g_free (txn);
}

static void
destroy_source (GSource **source)
{
  if (*source != NULL)
    {
      g_source_destroy (*source);
      g_clear_pointer (source, g_source_unref);
    }
}

/* Nothing of the probe runs after this */
static void
stop (Probe *probe)
{
  destroy_source (&probe->mapping_source);
  destroy_source (&probe->filtering_source);
  destroy_source (&probe->hairpin_source);
  g_clear_handle_id (&probe->tick_id, g_source_remove);
  g_clear_handle_id (&probe->deadline_id, g_source_remove);
  g_clear_handle_id (&probe->cancel_idle_id, g_source_remove);
  if (probe->cancellable != NULL && probe->cancelled_id != 0)
    g_cancellable_disconnect (probe->cancellable, probe->cancelled_id);
  probe->cancelled_id = 0;
}

static void
probe_free (gpointer data)
{
  Probe *probe = data;

  stop (probe);
  g_clear_object (&probe->mapping_socket);
  g_clear_object (&probe->filtering_socket);
  g_clear_object (&probe->hairpin_socket);
  g_clear_pointer (&probe->txns, g_ptr_array_unref);
  g_clear_pointer (&probe->servers, g_ptr_array_unref);
  g_clear_object (&probe->cancellable);
  g_clear_pointer (&probe->shared, sesame_rtt_unref);
  g_free (probe);
}

static gint64
now_ms (void)
{
  return g_get_monotonic_time () / 1000;
}

static Txn *
find_txn (Probe   *probe,
          TxnKind  kind,
          guint    server)
{
  for (guint i = 0; i < probe->txns->len; i++)
    {
      Txn *txn = g_ptr_array_index (probe->txns, i);

      if (txn->kind == kind && txn->server == server)
        return txn;
    }

  return NULL;
}

/* For the transactions every probe has */
static Txn *
get_txn (Probe   *probe,
         TxnKind  kind,
         guint    server)
{
  Txn *txn = find_txn (probe, kind, server);

  g_assert (txn != NULL);
  return txn;
}

static Txn *
add_txn (Probe                  *probe,
         TxnKind                 kind,
         guint                   server,
         GSocket                *socket,
         SesameStunRequestFlags  flags)
{
  Txn *txn = g_new0 (Txn, 1);

  txn->kind = kind;
  txn->server = server;
  txn->socket = socket;
  txn->flags = flags;
  g_ptr_array_add (probe->txns, txn);

  return txn;
}

/* The longest round trip measured: by the STUN answers, or by the first
 * answer of any other probe of the run (a hop, a web service, the router),
 * which may come before the STUN servers have answered at all */
static gint64
path_rtt (Probe *probe)
{
  if (probe->shared == NULL)
    return probe->rtt;

  return MAX (probe->rtt, sesame_rtt_get_longest (probe->shared));
}

/* Before any round trip is known, 50, 100, 150… ms apart; after, half the
 * longest round trip apart, so that a test needing many requests to be sure
 * of its silence is sure soon on a fast link, and a slow link is not flooded */
static gint64
resend_interval (Probe     *probe,
                 const Txn *txn)
{
  gint64 rtt = path_rtt (probe);

  if (rtt == 0)
    return MIN (50 * (gint64) txn->sends, MAX_RESEND_MS);

  return CLAMP (rtt / 2, MIN_RESEND_MS, MAX_RESEND_MS);
}

static void
send_txn (Probe *probe,
          Txn   *txn)
{
  guint8 buffer[SESAME_STUN_MAX_REQUEST_SIZE];
  Send *send;
  gsize size;

  if (txn->sends >= MAX_SENDS)
    return;

  send = &txn->log[txn->sends];
  sesame_stun_transaction_id_generate (&send->id);
  size = sesame_stun_build_binding_request (buffer, sizeof buffer, &send->id, txn->flags, NULL, NULL);
  g_assert (size > 0);

  /* A failed send (no route yet, buffer full) is like a lost datagram */
  (void) g_socket_send_to (txn->socket, txn->destination, (const char *) buffer, size, NULL, NULL);

  send->sent_at = now_ms ();
  txn->sends++;
  txn->next_send = send->sent_at + resend_interval (probe, txn);
}

static int
find_send (const Txn                     *txn,
           const SesameStunTransactionId *id)
{
  for (guint i = 0; i < txn->sends; i++)
    if (sesame_stun_transaction_id_equal (&txn->log[i].id, id))
      return (int) i;

  return -1;
}

static void
start_txn (Probe          *probe,
           Txn            *txn,
           GSocketAddress *destination)
{
  if (txn->state != TXN_IDLE)
    return;

  txn->destination = g_object_ref (destination);
  txn->state = TXN_SENDING;
  txn->started = now_ms ();
  send_txn (probe, txn);
}

static GSocketAddress *
address_with (const SesameStunAddress *base,
              const SesameStunAddress *ip_from,
              const SesameStunAddress *port_from)
{
  SesameStunAddress address = *base;

  memcpy (address.address, ip_from->address, sizeof address.address);
  address.family = ip_from->family;
  address.port = port_from->port;

  return sesame_stun_address_to_socket_address (&address);
}

/* How long a request is given to be answered: half as long again as the
 * longest round trip seen, which also covers jitter */
static gint64
no_reply_window (Probe *probe)
{
  gint64 rtt = path_rtt (probe);

  return MAX (MIN_NO_REPLY_MS, rtt + rtt / 2 + 50);
}

/* Of the requests of tests that were answered at all, and old enough to have
 * been answered, how many were: the loss rate of this path, measured */
static void
count_answers (Probe *probe,
               gint64 now,
               guint *sent,
               guint *answered)
{
  gint64 window = no_reply_window (probe);

  *sent = *answered = 0;

  for (guint i = 0; i < probe->txns->len; i++)
    {
      const Txn *txn = g_ptr_array_index (probe->txns, i);
      gboolean any = FALSE;

      if (txn->kind == TXN_HAIRPIN)
        continue;

      for (guint k = 0; k < txn->sends; k++)
        any |= txn->log[k].answered;
      if (!any)
        continue;

      for (guint k = 0; k < txn->sends; k++)
        if (txn->log[k].answered || now - txn->log[k].sent_at >= window)
          {
            (*sent)++;
            *answered += txn->log[k].answered ? 1 : 0;
          }
    }
}

/* How many unanswered requests, each given its window, make silence mean
 * "no reply"; G_MAXUINT while nothing has been answered */
static guint
requests_for_silence (Probe *probe,
                      gint64 now)
{
  guint sent, answered;
  double p_low;
  double risk = 1.0;
  guint needed = 0;

  count_answers (probe, now, &sent, &answered);
  if (answered == 0)
    return G_MAXUINT;

  /* A cautious estimate of the chance that a request and its answer both
   * get through: as if two more had been lost */
  p_low = (double) answered / (double) (sent + 2);

  while (risk > WRONG_NO_REPLY_RISK && needed < MAX_SENDS)
    {
      risk *= 1.0 - p_low;
      needed++;
    }

  return MAX (2, needed);
}

/* The requests of @txn that have had their window and no answer */
static guint
unanswered_requests (Probe     *probe,
                     const Txn *txn,
                     gint64     now)
{
  gint64 window = no_reply_window (probe);
  guint count = 0;

  for (guint k = 0; k < txn->sends; k++)
    if (!txn->log[k].answered && now - txn->log[k].sent_at >= window)
      count++;

  return count;
}

/* Nothing at all from any server, for long enough and after enough
 * requests (sesame_nat_silence_is_udp_blocked()): sooner when another probe
 * of the run has had an answer from the internet and so measured the way
 * there, never before 2.5 s without */
static gboolean
silence_is_udp_blocked (Probe *probe,
                        gint64 now)
{
  gint64 internet_rtt = 0;
  guint unanswered = 0;

  if (probe->any_datagram || requests_for_silence (probe, now) != G_MAXUINT)
    return FALSE;

  if (probe->shared != NULL && sesame_rtt_get_internet (probe->shared) > 0)
    internet_rtt = path_rtt (probe);

  for (guint i = 0; i < probe->txns->len; i++)
    {
      const Txn *txn = g_ptr_array_index (probe->txns, i);

      if (txn->kind == TXN_MAPPED || txn->kind == TXN_CONTROL)
        unanswered += unanswered_requests (probe, txn, now);
    }

  return sesame_nat_silence_is_udp_blocked (now - probe->start, internet_rtt, unanswered);
}

/* The tests that judge UDP itself have their answer: none */
static void
conclude_silence (Probe *probe)
{
  for (guint i = 0; i < probe->txns->len; i++)
    {
      Txn *txn = g_ptr_array_index (probe->txns, i);

      if ((txn->kind == TXN_MAPPED || txn->kind == TXN_CONTROL) && txn->state == TXN_SENDING)
        txn->state = TXN_NO_REPLY;
    }
}

static SesameStunAddress
expected_source (Probe     *probe,
                 const Txn *txn)
{
  SesameStunAddress expected = probe->primary;

  switch (txn->kind)
    {
    case TXN_MAPPED:
      sesame_stun_address_from_socket_address (g_ptr_array_index (probe->servers, txn->server), &expected);
      break;
    case TXN_OTHER_IP:
      memcpy (expected.address, probe->other.address, sizeof expected.address);
      break;
    case TXN_OTHER_BOTH:
    case TXN_CHANGE_BOTH:
      expected = probe->other;
      break;
    case TXN_CHANGE_PORT:
      expected.port = probe->other.port;
      break;
    case TXN_CONTROL:
    case TXN_HAIRPIN:
    default:
      break;
    }

  return expected;
}

static gboolean
source_verifiable (Probe     *probe,
                   const Txn *txn)
{
  return txn->kind == TXN_MAPPED || txn->kind == TXN_CONTROL || sesame_stun_address_is_set (&probe->other);
}

static gboolean
from_expected_source (Probe     *probe,
                      const Txn *txn)
{
  SesameStunAddress expected = expected_source (probe, txn);

  return sesame_stun_address_equal (&expected, &txn->source);
}

static SesameTristate
replied (Probe     *probe,
         const Txn *txn)
{
  if (txn == NULL)
    return SESAME_TRISTATE_UNKNOWN;
  if (txn->state == TXN_ANSWERED)
    return SESAME_TRISTATE_YES;
  if (txn->state == TXN_NO_REPLY)
    return SESAME_TRISTATE_NO;
  return SESAME_TRISTATE_UNKNOWN;
}

static SesameTristate
same_mapping (Probe     *probe,
              const Txn *a,
              const Txn *b)
{
  if (replied (probe, a) != SESAME_TRISTATE_YES || replied (probe, b) != SESAME_TRISTATE_YES)
    return SESAME_TRISTATE_UNKNOWN;

  return sesame_stun_address_equal (&a->mapped, &b->mapped) ? SESAME_TRISTATE_YES : SESAME_TRISTATE_NO;
}

static void
gather_evidence (Probe             *probe,
                 SesameNatEvidence *e)
{
  Txn *mapped = get_txn (probe, TXN_MAPPED, 0);
  Txn *other_ip = get_txn (probe, TXN_OTHER_IP, 0);
  Txn *other_both = get_txn (probe, TXN_OTHER_BOTH, 0);
  Txn *control = get_txn (probe, TXN_CONTROL, 0);
  Txn *second = probe->servers->len > 1 ? find_txn (probe, TXN_MAPPED, 1) : NULL;

  e->mapped_reply = replied (probe, mapped);

  if (e->mapped_reply == SESAME_TRISTATE_YES)
    e->mapped_is_local = sesame_stun_address_equal (&mapped->mapped, &probe->local) ? SESAME_TRISTATE_YES
                                                                                     : SESAME_TRISTATE_NO;
  else
    e->mapped_is_local = SESAME_TRISTATE_UNKNOWN;

  if (sesame_stun_address_is_set (&probe->other))
    e->other_address = SESAME_TRISTATE_YES;
  else if (e->mapped_reply == SESAME_TRISTATE_YES)
    e->other_address = SESAME_TRISTATE_NO;
  else
    e->other_address = SESAME_TRISTATE_UNKNOWN;

  e->same_for_other_ip = same_mapping (probe, mapped, other_ip);
  e->same_for_other_port = same_mapping (probe, other_ip, other_both);
  e->same_across_servers = same_mapping (probe, mapped, second);
  e->control_reply = replied (probe, control);
  e->change_ip_and_port = replied (probe, get_txn (probe, TXN_CHANGE_BOTH, 0));
  e->change_port = replied (probe, get_txn (probe, TXN_CHANGE_PORT, 0));

  e->primary_datagram = probe->primary_datagram ? SESAME_TRISTATE_YES : SESAME_TRISTATE_NO;
  e->any_datagram = probe->any_datagram ? SESAME_TRISTATE_YES : SESAME_TRISTATE_NO;
  e->other_address_refused = probe->other_refused ? SESAME_TRISTATE_YES : SESAME_TRISTATE_NO;
  if (probe->other_refused)
    e->other_address = SESAME_TRISTATE_YES;
}

/* The server named a second address Sesame must not send to: the tests that
 * need it are not made */
static void
refuse_other (Probe                   *probe,
              const SesameStunAddress *other)
{
  static const TxnKind needing_other[] = { TXN_OTHER_IP, TXN_OTHER_BOTH, TXN_CHANGE_BOTH, TXN_CHANGE_PORT };
  g_autofree char *text = sesame_stun_address_to_string (other);

  g_debug ("not contacting OTHER-ADDRESS %s: not the same kind of address as the server's", text);
  probe->other_refused = TRUE;

  for (guint i = 0; i < G_N_ELEMENTS (needing_other); i++)
    get_txn (probe, needing_other[i], 0)->state = TXN_SKIPPED;
}

/* The server answered on both sockets without naming a second address (an
 * RFC 5389 server with one address): the tests that need one cannot be made */
static void
skip_other (Probe *probe)
{
  static const TxnKind needing_other[] = { TXN_OTHER_IP, TXN_OTHER_BOTH, TXN_CHANGE_BOTH, TXN_CHANGE_PORT };

  for (guint i = 0; i < G_N_ELEMENTS (needing_other); i++)
    {
      Txn *txn = get_txn (probe, needing_other[i], 0);

      if (txn->state == TXN_IDLE || txn->state == TXN_SENDING || txn->state == TXN_UNVERIFIED)
        txn->state = TXN_SKIPPED;
    }
}

static void handle_datagram (Probe          *probe,
                             GSocket        *socket,
                             const guint8   *data,
                             gsize           size,
                             GSocketAddress *from);

/* Reads every datagram already waiting, so that an answer that came while
 * the main loop was busy counts before silence is judged */
static void
drain_socket (Probe   *probe,
              GSocket *socket)
{
  if (socket == NULL)
    return;

  for (;;)
    {
      guint8 buffer[SESAME_STUN_MAX_MESSAGE_SIZE + 1];
      g_autoptr(GSocketAddress) from = NULL;
      gssize size;

      size = g_socket_receive_from (socket, &from, (char *) buffer, sizeof buffer, NULL, NULL);
      if (size < 0)
        break;

      handle_datagram (probe, socket, buffer, (gsize) size, from);
    }
}

static void
drain (Probe *probe)
{
  drain_socket (probe, probe->mapping_socket);
  drain_socket (probe, probe->filtering_socket);
  drain_socket (probe, probe->hairpin_socket);
}

/* Starts what has become possible and decides what has timed out.
 * Returns TRUE when nothing is left to wait for. */
static gboolean
advance (Probe *probe)
{
  Txn *mapped = get_txn (probe, TXN_MAPPED, 0);
  Txn *control = get_txn (probe, TXN_CONTROL, 0);
  gint64 now = now_ms ();
  gboolean pending = FALSE;
  guint needed;

  drain (probe);
  needed = requests_for_silence (probe, now);

  if (silence_is_udp_blocked (probe, now))
    conclude_silence (probe);

  /* OTHER-ADDRESS from whichever first reply carried it, if Sesame may go there */
  if (!sesame_stun_address_is_set (&probe->other) && !probe->other_refused)
    {
      const SesameStunAddress *given = NULL;

      if (mapped->state == TXN_ANSWERED && sesame_stun_address_is_set (&mapped->other))
        given = &mapped->other;
      else if (control->state == TXN_ANSWERED && sesame_stun_address_is_set (&control->other))
        given = &control->other;

      if (given != NULL && sesame_stun_address_may_contact (&probe->primary, given))
        probe->other = *given;
      else if (given != NULL)
        refuse_other (probe, given);
      else if (mapped->state == TXN_ANSWERED && control->state == TXN_ANSWERED)
        skip_other (probe);
    }

  /* Tests II and III as soon as the alternate address is known */
  if (replied (probe, mapped) == SESAME_TRISTATE_YES && sesame_stun_address_is_set (&probe->other))
    {
      g_autoptr(GSocketAddress) other_ip = address_with (&probe->primary, &probe->other, &probe->primary);
      g_autoptr(GSocketAddress) other_both = sesame_stun_address_to_socket_address (&probe->other);
      g_autoptr(GSocketAddress) own = sesame_stun_address_to_socket_address (&mapped->mapped);

      start_txn (probe, get_txn (probe, TXN_OTHER_IP, 0), other_ip);
      start_txn (probe, get_txn (probe, TXN_OTHER_BOTH, 0), other_both);

      /* Hairpinning: a third socket sends to our own mapped address, which
       * is the server's word too */
      if (!sesame_stun_address_equal (&mapped->mapped, &probe->local) &&
          sesame_stun_address_may_contact (&probe->primary, &mapped->mapped))
        start_txn (probe, get_txn (probe, TXN_HAIRPIN, 0), own);
    }

  for (guint i = 0; i < probe->txns->len; i++)
    {
      Txn *txn = g_ptr_array_index (probe->txns, i);

      /* A reply kept until its source could be checked: from elsewhere, it never counted */
      if (txn->state == TXN_UNVERIFIED && source_verifiable (probe, txn))
        txn->state = from_expected_source (probe, txn) ? TXN_ANSWERED : TXN_SENDING;

      if (txn->state == TXN_UNVERIFIED)
        pending = TRUE;
      if (txn->state != TXN_SENDING)
        continue;

      /* Without an answer to the control, silence on its socket proves nothing */
      if (txn->socket == probe->filtering_socket && txn->kind != TXN_CONTROL &&
          (control->state == TXN_NO_REPLY || control->state == TXN_UNDECIDED))
        {
          txn->state = TXN_UNDECIDED;
          continue;
        }

      /* Test III matters only when test II saw a new mapping */
      if (txn->kind == TXN_OTHER_BOTH &&
          same_mapping (probe, mapped, get_txn (probe, TXN_OTHER_IP, 0)) == SESAME_TRISTATE_YES)
        {
          txn->state = TXN_NO_REPLY;
          continue;
        }

      /* Hairpinning goes to the router and back, not over the internet:
       * its own short window, and it never holds up the verdict */
      if (txn->kind == TXN_HAIRPIN)
        {
          if (txn->sends >= 2 && now - txn->started >= MIN_NO_REPLY_MS + 100)
            {
              txn->state = TXN_NO_REPLY;
              continue;
            }
        }
      else if (needed == G_MAXUINT)
        {
          /* Nothing valid has come back yet. Complete silence is judged
           * above (silence_is_udp_blocked ()); datagrams that were no valid
           * answer mean UDP passes, and then the servers' answers are given
           * as long again as the first one took */
          if (txn->kind == TXN_MAPPED || txn->kind == TXN_CONTROL)
            {
              if (probe->any_datagram &&
                  now - probe->first_datagram_at >= MAX (500, 2 * (probe->first_datagram_at - probe->start)))
                {
                  txn->state = TXN_UNDECIDED;
                  continue;
                }
            }
        }
      else if (txn->socket != probe->filtering_socket || txn->kind == TXN_CONTROL ||
               control->state == TXN_ANSWERED)
        {
          guint unanswered = unanswered_requests (probe, txn, now);

          /* Enough requests, each with time for its answer, that losing
           * them all is no longer believable */
          if (unanswered >= needed)
            {
              txn->state = TXN_NO_REPLY;
              continue;
            }
          if (txn->sends >= MAX_SENDS && unanswered == txn->sends)
            {
              txn->state = TXN_UNDECIDED;
              continue;
            }
        }

      pending = TRUE;
      if (now >= txn->next_send)
        send_txn (probe, txn);
    }

  /* Tests waiting for the alternate address still count as pending */
  if (mapped->state == TXN_SENDING || control->state == TXN_SENDING)
    pending = TRUE;
  if (replied (probe, mapped) == SESAME_TRISTATE_YES && !sesame_stun_address_is_set (&probe->other) &&
      control->state == TXN_SENDING)
    pending = TRUE;

  return !pending;
}

/* A test of the mapping or the filtering still waiting for its answer */
static gboolean
tests_pending (Probe *probe)
{
  for (guint i = 0; i < probe->txns->len; i++)
    {
      const Txn *txn = g_ptr_array_index (probe->txns, i);

      if (txn->kind != TXN_HAIRPIN && txn->state == TXN_SENDING)
        return TRUE;
    }

  return FALSE;
}

static void
complete (Probe  *probe,
          GError *error)
{
  GTask *task = g_steal_pointer (&probe->task);
  SesameNatEvidence evidence;
  SesameNatResult *result;
  Txn *mapped;
  Txn *hairpin;

  g_assert (task != NULL);

  stop (probe);

  if (error != NULL)
    {
      g_task_return_error (task, error);
      g_object_unref (task);
      return;
    }

  result = g_new0 (SesameNatResult, 1);
  result->sightings = g_ptr_array_new_with_free_func (sighting_free);
  result->elapsed_ms = now_ms () - probe->start;

  gather_evidence (probe, &evidence);
  sesame_nat_classify (&evidence, &result->verdict);

  if (get_txn (probe, TXN_MAPPED, 0)->state == TXN_SENDING && !probe->any_datagram)
    result->verdict.reason = _("The STUN servers did not answer before the deadline.");
  else if (probe->at_deadline && result->verdict.classic == SESAME_NAT_CLASSIC_UNKNOWN &&
           tests_pending (probe))
    /* What is unknown is so for want of time, whatever the classifier says
     * the missing answers would have been for */
    result->verdict.reason = _("The deadline passed before the STUN servers had answered every test, so the NAT type is not known yet.");

  mapped = get_txn (probe, TXN_MAPPED, 0);
  if (replied (probe, mapped) == SESAME_TRISTATE_YES)
    {
      g_autoptr(GSocketAddress) address = sesame_stun_address_to_socket_address (&mapped->mapped);

      if (address != NULL)
        result->external_address =
          g_inet_address_to_string (g_inet_socket_address_get_address (G_INET_SOCKET_ADDRESS (address)));
    }

  hairpin = get_txn (probe, TXN_HAIRPIN, 0);
  result->hairpinning = hairpin->state == TXN_IDLE ? SESAME_TRISTATE_UNKNOWN : replied (probe, hairpin);
  if (evidence.mapped_is_local == SESAME_TRISTATE_YES)
    result->hairpinning = SESAME_TRISTATE_UNKNOWN;

  for (guint i = 0; i < probe->servers->len; i++)
    {
      SesameStunSighting *sighting = g_new0 (SesameStunSighting, 1);
      Txn *txn = get_txn (probe, TXN_MAPPED, i);
      SesameStunAddress address;

      sesame_stun_address_from_socket_address (g_ptr_array_index (probe->servers, i), &address);
      sighting->server = sesame_stun_address_to_string (&address);

      if (replied (probe, txn) == SESAME_TRISTATE_YES)
        sighting->mapped_address = sesame_stun_address_to_string (&txn->mapped);
      else if (txn->state == TXN_NO_REPLY)
        sighting->error = g_strdup (_("no answer"));
      else
        sighting->error = g_strdup (_("no answer before the deadline"));

      g_ptr_array_add (result->sightings, sighting);
    }

  /* Every destination beyond the servers given */
  result->contacted = g_ptr_array_new_null_terminated (2, g_free, TRUE);
  for (guint i = 0; i < probe->txns->len; i++)
    {
      const Txn *txn = g_ptr_array_index (probe->txns, i);
      SesameStunAddress destination;
      g_autofree char *address = NULL;
      char *listed;

      if (txn->sends == 0 || txn->destination == NULL ||
          (txn->kind != TXN_OTHER_IP && txn->kind != TXN_OTHER_BOTH && txn->kind != TXN_HAIRPIN) ||
          !sesame_stun_address_from_socket_address (txn->destination, &destination))
        continue;

      address = sesame_stun_address_to_string (&destination);
      listed = g_strdup_printf ("%s (%s)", address,
                                txn->kind == TXN_HAIRPIN ? "STUN XOR-MAPPED-ADDRESS" : "STUN OTHER-ADDRESS");
      if (g_ptr_array_find_with_equal_func (result->contacted, listed, g_str_equal, NULL))
        g_free (listed);
      else
        g_ptr_array_add (result->contacted, listed);
    }

  g_task_return_pointer (task, result, (GDestroyNotify) sesame_nat_result_free);
  g_object_unref (task);
}

static void note_server_datagram (Probe                   *probe,
                                  const SesameStunAddress *source);

/* Anything at all from a server, even garbage, proves that UDP gets through */
static void
note_datagram (Probe                   *probe,
               const SesameStunAddress *source)
{
  gboolean before = probe->any_datagram;

  note_server_datagram (probe, source);
  if (!before && probe->any_datagram)
    probe->first_datagram_at = now_ms ();
}

static void
note_server_datagram (Probe                   *probe,
                      const SesameStunAddress *source)
{
  if (sesame_stun_address_equal_ip (source, &probe->primary))
    probe->primary_datagram = TRUE;

  if (sesame_stun_address_equal_ip (source, &probe->primary) ||
      sesame_stun_address_equal_ip (source, &probe->other))
    {
      probe->any_datagram = TRUE;
      return;
    }

  for (guint i = 0; i < probe->servers->len; i++)
    {
      SesameStunAddress server;

      if (sesame_stun_address_from_socket_address (g_ptr_array_index (probe->servers, i), &server) &&
          sesame_stun_address_equal_ip (source, &server))
        {
          probe->any_datagram = TRUE;
          return;
        }
    }
}

static void
handle_datagram (Probe          *probe,
                 GSocket        *socket,
                 const guint8   *data,
                 gsize           size,
                 GSocketAddress *from)
{
  SesameStunMessage message;
  SesameStunAddress source;

  if (!sesame_stun_address_from_socket_address (from, &source))
    return;

  note_datagram (probe, &source);

  if (!sesame_stun_parse (data, size, &message, NULL))
    return;

  for (guint i = 0; i < probe->txns->len; i++)
    {
      Txn *txn = g_ptr_array_index (probe->txns, i);
      const SesameStunAddress *mapped;
      int k = find_send (txn, &message.transaction_id);
      SesameStunAddress previous;
      gint64 now;

      if (k < 0)
        continue;

      /* Our own request, sent to our mapped address, comes back through the router */
      if (txn->kind == TXN_HAIRPIN)
        {
          if (txn->state == TXN_SENDING && socket == probe->mapping_socket &&
              message.message_class == SESAME_STUN_CLASS_REQUEST)
            {
              txn->state = TXN_ANSWERED;
              txn->answered_at = now_ms ();
            }
          return;
        }

      /* A success response to this Binding request, with nothing it does not understand */
      if (socket != txn->socket || message.message_class != SESAME_STUN_CLASS_SUCCESS_RESPONSE ||
          !sesame_stun_message_is_response_to (&message, &txn->log[k].id) ||
          message.n_unknown_attributes > 0 ||
          !(mapped = sesame_stun_message_get_mapped_address (&message)))
        return;

      if (txn->state == TXN_SKIPPED || txn->state == TXN_UNVERIFIED)
        return;

      previous = txn->source;
      txn->source = source;
      if (source_verifiable (probe, txn) && !from_expected_source (probe, txn))
        {
          txn->source = previous;
          return;   /* the right ID from the wrong place: keep waiting */
        }

      /* Which request this answers says how long the round trip took */
      now = now_ms ();
      if (!txn->log[k].answered)
        {
          txn->log[k].answered = TRUE;
          probe->rtt = MAX (probe->rtt, MAX (1, now - txn->log[k].sent_at));
          if (probe->shared != NULL)
            sesame_rtt_add_sample (probe->shared, "stun", MAX (1, now - txn->log[k].sent_at));
        }

      /* Later answers of the same test only count for the loss rate; a
       * test judged silent that is answered after all is answered */
      if (txn->state != TXN_SENDING && txn->state != TXN_NO_REPLY && txn->state != TXN_UNDECIDED)
        return;

      txn->state = source_verifiable (probe, txn) ? TXN_ANSWERED : TXN_UNVERIFIED;
      txn->answered_at = now;
      txn->mapped = *mapped;
      if (sesame_stun_address_is_set (&message.other_address))
        txn->other = message.other_address;
      else if (sesame_stun_address_is_set (&message.changed_address))
        txn->other = message.changed_address;

      return;
    }
}

static gboolean
on_readable (GSocket      *socket,
             GIOCondition  condition,
             gpointer      user_data)
{
  Probe *probe = user_data;

  /* advance() reads every socket */
  if (advance (probe))
    complete (probe, NULL);

  return G_SOURCE_CONTINUE;
}

static gboolean
on_tick (gpointer user_data)
{
  Probe *probe = user_data;

  if (advance (probe))
    {
      probe->tick_id = 0;
      complete (probe, NULL);
      return G_SOURCE_REMOVE;
    }

  return G_SOURCE_CONTINUE;
}

static gboolean
on_deadline (gpointer user_data)
{
  Probe *probe = user_data;

  probe->deadline_id = 0;
  probe->at_deadline = TRUE;
  /* Answers already here when the deadline fires still count */
  drain (probe);

  /* Silence from every server all the time, long enough: UDP is blocked;
   * silence not yet long enough stays unknown */
  if (silence_is_udp_blocked (probe, now_ms ()))
    conclude_silence (probe);

  complete (probe, NULL);

  return G_SOURCE_REMOVE;
}

static gboolean
on_cancel_idle (gpointer user_data)
{
  Probe *probe = user_data;

  probe->cancel_idle_id = 0;
  complete (probe, g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("Cancelled")));

  return G_SOURCE_REMOVE;
}

static void
on_cancelled (GCancellable *cancellable,
              Probe        *probe)
{
  if (probe->cancel_idle_id == 0)
    probe->cancel_idle_id = g_idle_add (on_cancel_idle, probe);
}

static GSocket *
open_socket (Probe   *probe,
             GSource **source,
             GError  **error)
{
  g_autoptr(GSocket) socket = NULL;
  g_autoptr(GInetAddress) any = g_inet_address_new_any (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) bind_address = g_inet_socket_address_new (any, 0);

  socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
  if (socket == NULL || !g_socket_bind (socket, bind_address, FALSE, error))
    return NULL;

  g_socket_set_blocking (socket, FALSE);
  *source = g_socket_create_source (socket, G_IO_IN, NULL);
  g_source_set_callback (*source, G_SOURCE_FUNC (on_readable), probe, NULL);
  g_source_attach (*source, g_main_context_get_thread_default ());

  return g_steal_pointer (&socket);
}

/* The address this computer uses towards @server, with the mapping socket's port */
static gboolean
find_local_address (Probe           *probe,
                    GSocketAddress  *server,
                    GError         **error)
{
  g_autoptr(GSocket) route = NULL;
  g_autoptr(GSocketAddress) local = NULL;
  g_autoptr(GSocketAddress) bound = NULL;
  SesameStunAddress bound_address;

  route = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_DATAGRAM, G_SOCKET_PROTOCOL_UDP, error);
  if (route == NULL || !g_socket_connect (route, server, NULL, error) ||
      !(local = g_socket_get_local_address (route, error)) ||
      !(bound = g_socket_get_local_address (probe->mapping_socket, error)))
    return FALSE;

  sesame_stun_address_from_socket_address (local, &probe->local);
  sesame_stun_address_from_socket_address (bound, &bound_address);
  probe->local.port = bound_address.port;

  return TRUE;
}

/**
 * sesame_nat_probe_async:
 * @servers: (element-type GInetSocketAddress): STUN servers; the first one must
 *   support RFC 5780 (OTHER-ADDRESS, CHANGE-REQUEST) for the behaviour tests,
 *   the others are asked for the mapping only
 * @timeout_ms: the deadline
 * @rtt: (nullable): the run's round trips: every wait follows the longest
 *   measured there as well as by the STUN answers, and those are added to it
 * @cancellable: (nullable): a #GCancellable
 * @callback: called with the result
 * @user_data: data for @callback
 */
void
sesame_nat_probe_async (GPtrArray           *servers,
                        guint                timeout_ms,
                        SesameRtt           *rtt,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  g_autoptr(GError) error = NULL;
  GSocketAddress *primary;
  Probe *probe;

  g_return_if_fail (servers != NULL && servers->len > 0);

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, sesame_nat_probe_async);

  probe = g_new0 (Probe, 1);
  probe->servers = g_ptr_array_ref (servers);
  probe->txns = g_ptr_array_new_with_free_func (txn_free);
  probe->shared = rtt != NULL ? sesame_rtt_ref (rtt) : NULL;
  probe->start = now_ms ();
  probe->deadline = probe->start + timeout_ms;
  g_task_set_task_data (task, probe, probe_free);

  primary = g_ptr_array_index (servers, 0);
  if (!sesame_stun_address_from_socket_address (primary, &probe->primary) ||
      probe->primary.family != SESAME_STUN_FAMILY_IPV4)
    {
      g_task_return_new_error (task, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("the STUN server must have an IPv4 address"));
      return;
    }

  if (!(probe->mapping_socket = open_socket (probe, &probe->mapping_source, &error)) ||
      !(probe->filtering_socket = open_socket (probe, &probe->filtering_source, &error)) ||
      !(probe->hairpin_socket = open_socket (probe, &probe->hairpin_source, &error)) ||
      !find_local_address (probe, primary, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  for (guint i = 0; i < servers->len; i++)
    add_txn (probe, TXN_MAPPED, i, probe->mapping_socket, SESAME_STUN_REQUEST_NONE);
  add_txn (probe, TXN_OTHER_IP, 0, probe->mapping_socket, SESAME_STUN_REQUEST_NONE);
  add_txn (probe, TXN_OTHER_BOTH, 0, probe->mapping_socket, SESAME_STUN_REQUEST_NONE);
  add_txn (probe, TXN_CONTROL, 0, probe->filtering_socket, SESAME_STUN_REQUEST_NONE);
  add_txn (probe, TXN_CHANGE_BOTH, 0, probe->filtering_socket,
           SESAME_STUN_REQUEST_CHANGE_REQUEST | SESAME_STUN_REQUEST_CHANGE_IP | SESAME_STUN_REQUEST_CHANGE_PORT);
  add_txn (probe, TXN_CHANGE_PORT, 0, probe->filtering_socket,
           SESAME_STUN_REQUEST_CHANGE_REQUEST | SESAME_STUN_REQUEST_CHANGE_PORT);
  add_txn (probe, TXN_HAIRPIN, 0, probe->hairpin_socket, SESAME_STUN_REQUEST_NONE);

  probe->task = g_steal_pointer (&task);

  if (cancellable != NULL)
    probe->cancelled_id = g_cancellable_connect (probe->cancellable = g_object_ref (cancellable),
                                                 G_CALLBACK (on_cancelled), probe, NULL);

  /* Everything that needs nothing but the primary address starts now */
  for (guint i = 0; i < servers->len; i++)
    start_txn (probe, get_txn (probe, TXN_MAPPED, i), g_ptr_array_index (servers, i));
  start_txn (probe, get_txn (probe, TXN_CONTROL, 0), primary);
  start_txn (probe, get_txn (probe, TXN_CHANGE_BOTH, 0), primary);
  start_txn (probe, get_txn (probe, TXN_CHANGE_PORT, 0), primary);

  probe->tick_id = g_timeout_add (TICK_MS, on_tick, probe);
  probe->deadline_id = g_timeout_add (timeout_ms, on_deadline, probe);
}

/**
 * sesame_nat_probe_finish:
 *
 * Returns: (transfer full): the verdict and what each server saw
 */
SesameNatResult *
sesame_nat_probe_finish (GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);

  return g_task_propagate_pointer (G_TASK (result), error);
}
