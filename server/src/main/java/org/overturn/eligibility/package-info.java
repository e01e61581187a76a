@NullMarked
package org.overturn.eligibility;

import org.jspecify.annotations.NullMarked;
