@NullMarked
package org.overturn.security;

import org.jspecify.annotations.NullMarked;
