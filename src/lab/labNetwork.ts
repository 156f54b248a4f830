/** The lab's 127/8 block unless told otherwise: the first three octets of every posture's address. */
export const DEFAULT_LAB_NETWORK = "127.10.0";
