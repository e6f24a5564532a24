/* sesame-finding.c: the findings model and what it says of each forwarding row
 *
 * SPDX-License-Identifier: GPL-3.0-or-later
 */

#define G_LOG_DOMAIN "sesame-finding"

#include "config.h"

#include "sesame-core-enums.h"
#include "sesame-enum.h"
#include "sesame-finding.h"

/**
 * sesame_finding_new:
 * @id: the stable id, such as "cgnat"
 * @severity: how much it matters
 * @title: a short sentence
 * @text: what it means
 * @action: (nullable): what to do
 *
 * Returns: (transfer full): a finding that concerns no port yet and says
 *   nothing of the rows
 */
SesameFinding *
sesame_finding_new (const char            *id,
                    SesameFindingSeverity  severity,
                    const char            *title,
                    const char            *text,
                    const char            *action)
{
  SesameFinding *finding;

  g_return_val_if_fail (id != NULL, NULL);
  g_return_val_if_fail (title != NULL, NULL);
  g_return_val_if_fail (text != NULL, NULL);

  finding = g_new0 (SesameFinding, 1);
  finding->id = g_strdup (id);
  finding->severity = severity;
  finding->ports = g_array_new (FALSE, TRUE, sizeof (SesameFindingPort));
  finding->title = g_strdup (title);
  finding->text = g_strdup (text);
  finding->action = g_strdup (action);
  finding->works = SESAME_WORKS_UNKNOWN;

  return finding;
}

void
sesame_finding_free (SesameFinding *finding)
{
  if (finding == NULL)
    return;

  g_free (finding->id);
  g_array_unref (finding->ports);
  g_free (finding->title);
  g_free (finding->text);
  g_free (finding->action);
  g_free (finding->explanation);
  g_free (finding->port_title);
  g_free (finding);
}

/**
 * sesame_finding_get_port_title:
 * @finding: a finding
 *
 * What @finding says of one port it concerns, for a row about that port
 * alone: a title that lists every port of its kind ("Nothing listens on
 * TCP 22, TCP 548 and UDP 27015") has a short one naming none ("Nothing
 * listens on this port"); any other title says the same of every port.
 *
 * Returns: the title for one port's row
 */
const char *
sesame_finding_get_port_title (const SesameFinding *finding)
{
  g_return_val_if_fail (finding != NULL, NULL);

  return finding->port_title != NULL ? finding->port_title : finding->title;
}

/* Adds @range unless the finding has it already */
void
sesame_finding_add_port (SesameFinding         *finding,
                         SesameProtocol         protocol,
                         const SesamePortRange *range,
                         gboolean               internal)
{
  SesameFindingPort port = { protocol, *range, internal };

  g_return_if_fail (finding != NULL);
  g_return_if_fail (range != NULL);

  for (guint i = 0; i < finding->ports->len; i++)
    {
      const SesameFindingPort *have = &g_array_index (finding->ports, SesameFindingPort, i);

      if (have->protocol == protocol && have->internal == internal &&
          have->range.first == range->first && have->range.last == range->last)
        return;
    }

  g_array_append_val (finding->ports, port);
}

/**
 * sesame_finding_concerns:
 * @finding: a finding
 * @protocol: a forwarding row's protocol
 * @external: its external ports
 * @internal: its internal ports
 *
 * Returns: whether @finding is about that row
 */
gboolean
sesame_finding_concerns (const SesameFinding   *finding,
                         SesameProtocol         protocol,
                         const SesamePortRange *external,
                         const SesamePortRange *internal)
{
  g_return_val_if_fail (finding != NULL, FALSE);

  for (guint i = 0; i < finding->ports->len; i++)
    {
      const SesameFindingPort *port = &g_array_index (finding->ports, SesameFindingPort, i);

      if (port->protocol == protocol &&
          sesame_port_range_overlaps (&port->range, port->internal ? internal : external))
        return TRUE;
    }

  return FALSE;
}

/* "tcp/80", "udp/16384-16403": as sesame-cli --port takes them */
char *
sesame_finding_port_to_string (const SesameFindingPort *port)
{
  g_autofree char *range = NULL;

  g_return_val_if_fail (port != NULL, NULL);

  range = sesame_port_range_to_string (&port->range);
  return g_strdup_printf ("%s/%s", sesame_protocol_to_string (port->protocol), range);
}

SESAME_DEFINE_ENUM_STRINGS (SesameFindingSeverity, sesame_finding_severity, SESAME_TYPE_FINDING_SEVERITY)
SESAME_DEFINE_ENUM_STRINGS (SesameWorks, sesame_works, SESAME_TYPE_WORKS)

static int
compare_severity (gconstpointer a,
                  gconstpointer b)
{
  const SesameFinding *fa = *(const SesameFinding * const *) a;
  const SesameFinding *fb = *(const SesameFinding * const *) b;

  return (int) fa->severity - (int) fb->severity;
}

/* Blockers first, then warnings, notes and good signs; in the order they
 * were found within each (the sort is stable) */
void
sesame_findings_sort (GPtrArray *findings)
{
  g_return_if_fail (findings != NULL);

  g_ptr_array_sort (findings, compare_severity);
}

/**
 * sesame_findings_lookup:
 * @findings: (element-type SesameFinding): findings
 * @id: an id
 *
 * Returns: (nullable) (transfer none): the finding with @id
 */
const SesameFinding *
sesame_findings_lookup (GPtrArray  *findings,
                        const char *id)
{
  g_return_val_if_fail (id != NULL, NULL);

  for (guint i = 0; findings != NULL && i < findings->len; i++)
    {
      const SesameFinding *finding = g_ptr_array_index (findings, i);

      if (g_str_equal (finding->id, id))
        return finding;
    }

  return NULL;
}

static void
add_id (GPtrArray  *ids,
        const char *id)
{
  if (ids != NULL && !g_ptr_array_find_with_equal_func (ids, id, g_str_equal, NULL))
    g_ptr_array_add (ids, (gpointer) id);
}

/**
 * sesame_findings_row_works:
 * @findings: (element-type SesameFinding) (nullable): the findings
 * @protocol: a forwarding row's protocol
 * @external: its external ports
 * @internal: its internal ports
 * @because: (element-type utf8) (nullable): where to add the ids of the
 *   findings that decide it (the strings belong to @findings)
 *
 * A row cannot work when a finding about it says so (carrier-grade NAT,
 * UDP blocked…), whatever else was seen; it works when it was reached from
 * the internet; otherwise nobody knows yet, and @because gets the findings
 * about it that are not good news.
 *
 * Returns: whether the row can make its service reachable
 */
SesameWorks
sesame_findings_row_works (GPtrArray             *findings,
                           SesameProtocol         protocol,
                           const SesamePortRange *external,
                           const SesamePortRange *internal,
                           GPtrArray             *because)
{
  g_autoptr(GPtrArray) no = g_ptr_array_new ();
  g_autoptr(GPtrArray) yes = g_ptr_array_new ();
  g_autoptr(GPtrArray) other = g_ptr_array_new ();
  GPtrArray *decided = other;
  SesameWorks works = SESAME_WORKS_UNKNOWN;

  g_return_val_if_fail (external != NULL && internal != NULL, SESAME_WORKS_UNKNOWN);

  for (guint i = 0; findings != NULL && i < findings->len; i++)
    {
      const SesameFinding *finding = g_ptr_array_index (findings, i);

      if (!sesame_finding_concerns (finding, protocol, external, internal))
        continue;

      if (finding->works == SESAME_WORKS_NO)
        add_id (no, finding->id);
      else if (finding->works == SESAME_WORKS_YES)
        add_id (yes, finding->id);
      else if (finding->severity != SESAME_FINDING_SEVERITY_OK)
        add_id (other, finding->id);
    }

  if (no->len > 0)
    {
      works = SESAME_WORKS_NO;
      decided = no;
    }
  else if (yes->len > 0)
    {
      works = SESAME_WORKS_YES;
      decided = yes;
    }

  for (guint i = 0; because != NULL && i < decided->len; i++)
    g_ptr_array_add (because, g_ptr_array_index (decided, i));

  return works;
}
