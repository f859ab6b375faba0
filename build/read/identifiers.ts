/**
 * The identifiers a manuscript may give, checked as their registries define
 * them, and written the one way every edition uses: an ORCID iD as
 * `0000-0002-1825-0097`, a DOI as `10.5555/12345678` (without `doi:` or
 * the resolver's address).
 */

/**
 * An ORCID iD, bare or as its address, with its check character right
 * (ISO 7064 MOD 11-2, https://support.orcid.org/hc/en-us/articles/360006897674).
 *
 * @returns The iD as 16 characters in four groups, or undefined when it is not one.
 */
export function orcidOf(value: string): string | undefined {
  const bare = value.trim().replace(/^(https?:\/\/)?(www\.)?orcid\.org\//i, '')
  const match = /^(\d{4})-?(\d{4})-?(\d{4})-?(\d{3}[\dX])$/i.exec(bare)
  if (!match) return undefined
  const characters = match.slice(1).join('').toUpperCase()
  let total = 0
  for (const digit of characters.slice(0, 15)) total = (total + Number(digit)) * 2
  const result = (12 - (total % 11)) % 11
  const check = result === 10 ? 'X' : String(result)
  return characters[15] === check ? match.slice(1).join('-').toUpperCase() : undefined
}

/**
 * A DOI (ISO 26324): `10.` a registrant code of four or more digits, `/`, a
 * suffix of printable characters; `doi:` or https://doi.org/ before it are
 * allowed and dropped.
 *
 * @returns The bare DOI, or undefined when it is not one.
 */
export function doiOf(value: string): string | undefined {
  const bare = value.trim().replace(/^(doi:\s*|(https?:\/\/)?(dx\.)?doi\.org\/)/i, '')
  return /^10\.\d{4,9}(\.\d+)*\/[^\s]+$/.test(bare) ? bare : undefined
}

/** An address to read in a browser: http or https, with a host. */
export function isWebAddress(value: string): boolean {
  try {
    const url = new URL(value)
    return (url.protocol === 'https:' || url.protocol === 'http:') && url.hostname !== ''
  } catch {
    return false
  }
}

/** An e-mail address: something, `@`, a domain with a dot. */
export function isEmailAddress(value: string): boolean {
  return /^[^\s@<>()",;]+@[^\s@<>()",;]+\.[^\s@<>()",;.]+$/.test(value)
}
