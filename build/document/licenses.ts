/**
 * The licences a work may name by its SPDX identifier (https://spdx.org/licenses/),
 * with the name and address every edition shows. A small table of the
 * licences publications use, shipped with Folio: a build never looks a
 * licence up on the network.
 */
export interface License {
  /** SPDX identifier, as SPDX spells it. */
  id: string
  /** SPDX's full name. */
  name: string
  /** The licence's own page (the deed, for Creative Commons). */
  url: string
}

const creativeCommons = (code: string, name: string): License => ({
  id: `CC-${code.toUpperCase()}-4.0`,
  name: `Creative Commons ${name} 4.0 International`,
  url: `https://creativecommons.org/licenses/${code}/4.0/`
})

export const licenses: License[] = [
  creativeCommons('by', 'Attribution'),
  creativeCommons('by-sa', 'Attribution Share Alike'),
  creativeCommons('by-nd', 'Attribution No Derivatives'),
  creativeCommons('by-nc', 'Attribution Non Commercial'),
  creativeCommons('by-nc-sa', 'Attribution Non Commercial Share Alike'),
  creativeCommons('by-nc-nd', 'Attribution Non Commercial No Derivatives'),
  {id: 'CC0-1.0', name: 'Creative Commons Zero v1.0 Universal', url: 'https://creativecommons.org/publicdomain/zero/1.0/'},
  {id: 'CC-BY-3.0', name: 'Creative Commons Attribution 3.0 Unported', url: 'https://creativecommons.org/licenses/by/3.0/'},
  {id: 'CC-BY-SA-3.0', name: 'Creative Commons Attribution Share Alike 3.0 Unported', url: 'https://creativecommons.org/licenses/by-sa/3.0/'},
  {id: 'CC-BY-NC-ND-3.0', name: 'Creative Commons Attribution Non Commercial No Derivatives 3.0 Unported', url: 'https://creativecommons.org/licenses/by-nc-nd/3.0/'},
  {id: 'OGL-UK-3.0', name: 'Open Government Licence v3.0', url: 'https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/'},
  {id: 'MIT', name: 'MIT License', url: 'https://opensource.org/license/mit/'},
  {id: 'Apache-2.0', name: 'Apache License 2.0', url: 'https://www.apache.org/licenses/LICENSE-2.0'},
  {id: 'GFDL-1.3-or-later', name: 'GNU Free Documentation License v1.3 or later', url: 'https://www.gnu.org/licenses/fdl-1.3.html'},
  {id: 'GPL-3.0-or-later', name: 'GNU General Public License v3.0 or later', url: 'https://www.gnu.org/licenses/gpl-3.0.html'},
  {id: 'OFL-1.1', name: 'SIL Open Font License 1.1', url: 'https://openfontlicense.org/'}
]

/** The licence with this SPDX identifier (SPDX identifiers match without regard to case). */
export function licenseById(id: string): License | undefined {
  const wanted = id.trim().toLowerCase()
  return licenses.find((license) => license.id.toLowerCase() === wanted)
}
